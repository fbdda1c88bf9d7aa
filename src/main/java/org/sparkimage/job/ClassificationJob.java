package org.sparkimage.job;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.Int8Models;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PartitionStats;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.Quantization;
import org.sparkimage.input.CalibrationFiles;
import org.sparkimage.input.InputSources;
import org.sparkimage.input.ListedFile;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.output.JobSummary;
import org.sparkimage.output.OutputPreflight;
import org.sparkimage.output.PredictionStore;
import org.sparkimage.output.RunSummarizer;
import org.sparkimage.setup.EmbeddingFormat;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.OutputDefaults;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.setup.TableFormat;

/**
 * The driver side of one run: resolve the model, open the input ({@link InputSources}: loose
 * files and tar shards from a listing, after resume ({@link ResumePlan}), or a table), classify it
 * ({@link InputClassifier}), write predictions ({@link PredictionStore}: Parquet, or a Delta
 * table) and stats (Parquet) one commit at a time, then {@code summary.json}.
 */
public final class ClassificationJob {
    private ClassificationJob() {}

    /**
     * Runs the job in {@code spark}.
     *
     * @param console where progress lines and the resume note go
     * @throws JobException for what the user can fix (the exit code says what)
     * @throws IOException  when the output cannot be written
     */
    public static JobSummary run(SparkSession spark, JobOptions o, PrintStream console) throws JobException, IOException {
        OutputPreflight.checkSettings(spark, new Path(o.output()));
        try (OutputDefaults d = OutputDefaults.apply(spark)) {
            return runWithOutputDefaults(spark, o, console);
        }
    }

    private static JobSummary runWithOutputDefaults(SparkSession spark, JobOptions o, PrintStream console)
            throws JobException, IOException {
        Instant start = Instant.now();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (!o.inputIsList()) checkInput(o.input(), hadoop);
        Int8Models.Prepared prepared = resolveModel(o, hadoop, console);
        ModelBundle bundle = prepared.model();
        // A table is opened before the output is touched: its columns are checked first, and its carried ones join the predictions.
        InputSources table = o.table() == null ? null
                : InputSources.table(spark, o.input(), o.table(), o.classifier().embeddings(), hadoop, o.run().readAhead());
        Path out = new Path(o.output());
        FileSystem outFs = out.getFileSystem(hadoop);
        checkSession(spark, o.run().format());
        OutputPreflight.probeWrite(outFs, out); // before --overwrite deletes anything
        boolean resuming = prepareOutput(o, outFs, out);
        EmbeddingFormat asked = o.run().embeddingFormat();
        StructType rows = table != null ? table.predictionSchema(o.classifier().embeddings())
                : PredictionSchema.schema(o.classifier().embeddings());
        PredictionStore opened = new PredictionStore(spark, outFs, out, rows, o.run().format(), o.run().partitionBy(),
                asked != null ? asked : EmbeddingFormat.DEFAULT);
        if (resuming) {
            opened.checkFormat();
            opened.recover();
            opened = continuingEmbeddings(opened, asked);
            opened.checkPartitioning();
        }
        PredictionStore store = opened;
        RunSummarizer summarizer = new RunSummarizer(spark, outFs, out);
        List<String> earlierRuns = resuming ? summarizer.earlierRuns() : List.of();

        ResumePlan plan = ResumePlan.fresh(List.of());
        InputSources input;
        long t = System.nanoTime();
        double listing = 0;
        double planning = 0;
        if (table != null) {
            input = table;
        } else {
            List<ListedFile> listed = InputSources.list(spark, o.input(), o.inputIsList(), hadoop, console, o.run().progressSeconds());
            listing = seconds(t);
            t = System.nanoTime();
            plan = resuming ? ResumePlan.of(spark, store, listed) : ResumePlan.fresh(listed);
            planning = seconds(t);
            input = InputSources.files(plan.todo(), o.classifier().embeddings(), o.run().readAhead());
        }
        if (resuming) {
            console.printf("resuming %s: %d files have committed rows, %d stale rows dropped%n", o.output(), plan.kept(), plan.stale());
        }
        t = System.nanoTime();
        InputClassifier.Result result = InputClassifier.run(spark, bundle, o.classifier(), input, o.run(), store::append, console);
        double classify = seconds(t);
        t = System.nanoTime();
        store.ensureExists();

        spark.createDataFrame(PartitionStats.toRows(result.stats()), PartitionStats.SCHEMA).coalesce(1)
                .write().mode(SaveMode.Append).parquet(new Path(out, "stats").toString()); // one file per run
        JobSummary.Resume resume = resuming ? new JobSummary.Resume(plan.kept(), plan.stale(), earlierRuns) : JobSummary.Resume.NONE;
        JobSummary summary = summarizer.summarize(start, bundle, result.stats(), resuming ? store.committed() : null, resume,
                result.partitions(), calibration(prepared.calibration()))
                .withPhases(new JobSummary.Phases(listing, planning, classify, seconds(t)));
        summarizer.write(summary);
        return summary;
    }

    /**
     * A resumed table keeps the embedding type it was committed with: taken over when
     * {@code --embedding-format} is not given, refused when it asks for the other.
     */
    private static PredictionStore continuingEmbeddings(PredictionStore store, EmbeddingFormat asked) throws JobException, IOException {
        EmbeddingFormat found = store.committedEmbeddingFormat();
        if (found == null || found == store.embeddingFormat()) return store;
        if (asked != null) {
            throw new JobException(JobException.EXIT_USAGE, "--resume --embedding-format " + asked + ": " + store.table()
                    + " stores embeddings as " + found + "; resume it with --embedding-format " + found
                    + " (or without the option), or write a new output");
        }
        return store.withEmbeddingFormat(found);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** What the summary says of the int8 step; {@link JobSummary.Calibration#NONE} when there was none. */
    private static JobSummary.Calibration calibration(Int8Models.Calibration c) {
        return c == null ? JobSummary.Calibration.NONE : new JobSummary.Calibration(c.seconds(), c.cache(), c.images());
    }

    private static Int8Models.Prepared resolveModel(JobOptions o, Configuration hadoop, PrintStream console) throws JobException {
        ModelBundle bundle;
        try {
            bundle = ModelBundle.resolve(o.model(), o.modelCard(), hadoop);
        } catch (IOException | RuntimeException e) {
            throw new JobException(JobException.EXIT_MODEL, "cannot use model '" + o.model() + "': " + e.getMessage());
        }
        if (o.classifier().embeddings() && bundle.card().output().features() == null) {
            // An exported MobileNetV2 has no pooled-features output; re-written by the product it has.
            try {
                bundle = bundle.written();
            } catch (IllegalArgumentException e) {
                throw new JobException(JobException.EXIT_MODEL, "--embeddings: the card of model '" + o.model()
                        + "' names no features output, and its graph cannot be adopted: " + e.getMessage());
            }
            if (bundle.card().output().features() == null) { // a model the project wrote, with a card that hides its features
                throw new JobException(JobException.EXIT_MODEL, "--embeddings: the card of model '" + o.model() + "' names no features output");
            }
        }
        return quantized(o, bundle, hadoop, console);
    }

    /**
     * The int8 form of the model when {@code --precision int8} asks for it, calibrated on
     * {@code --calibration} or else on the first files of the input (in path order).
     */
    private static Int8Models.Prepared quantized(JobOptions o, ModelBundle bundle, Configuration hadoop, PrintStream console)
            throws JobException {
        Quantization q = o.classifier().quantization();
        if (q.precision() == Precision.FP32 || bundle.precision() == Precision.INT8) return new Int8Models.Prepared(bundle, null);
        if (q.calibration() == null && (o.table() != null || o.inputIsList())) {
            throw new JobException(JobException.EXIT_MODEL, "--precision int8 with " + (o.table() != null ? "--binary-column" : "--input-list")
                    + " needs --calibration <folder of images>");
        }
        String source = q.calibration() != null ? q.calibration() : o.input();
        try {
            return Int8Models.quantize(bundle, q, CalibrationFiles.of(source, hadoop, o.classifier().maxImageBytes()),
                    o.classifier(), console);
        } catch (IOException | IllegalArgumentException e) {
            throw new JobException(JobException.EXIT_MODEL, e.getMessage());
        }
    }

    /**
     * Deletes an output that is to be overwritten; refuses one that exists without --overwrite or
     * --resume.
     *
     * @return true when an existing output is resumed
     */
    private static boolean prepareOutput(JobOptions o, FileSystem fs, Path out) throws JobException, IOException {
        if (!fs.exists(out)) return false;
        switch (o.run().outputMode()) {
            case RESUME:
                return true;
            case OVERWRITE:
                fs.delete(out, true);
                return false;
            default:
                throw new JobException(JobException.EXIT_OUTPUT_EXISTS,
                        "output " + o.output() + " exists; pass --overwrite to replace it or --resume to continue it");
        }
    }

    /**
     * A session this job did not start (a notebook's, a test's) may lack what Delta needs; it is
     * refused before anything is classified rather than at the first commit.
     */
    private static void checkSession(SparkSession spark, TableFormat format) throws JobException {
        if (format == TableFormat.DELTA && !SparkSessions.readyForDelta(spark)) {
            throw new JobException(JobException.EXIT_USAGE, "--format delta needs a session started with "
                    + SparkSessions.EXTENSIONS + " listing " + SparkSessions.DELTA_EXTENSION + " and "
                    + SparkSessions.SESSION_CATALOG + "=" + SparkSessions.DELTA_CATALOG
                    + " (the job sets both when it starts its own session)");
        }
    }

    /** The input root (or, for a glob, at least one match) must exist and be readable. */
    private static void checkInput(String input, Configuration hadoop) throws JobException {
        try {
            Path p = new Path(input);
            FileSystem fs = p.getFileSystem(hadoop);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) throw new JobException(JobException.EXIT_INPUT, "input " + input + " does not exist");
            for (FileStatus s : matches) {
                if (s.isDirectory()) fs.listStatus(s.getPath()); // throws when the directory cannot be read
            }
        } catch (IOException e) {
            throw new JobException(JobException.EXIT_INPUT, "input " + input + " is not readable: " + e.getMessage());
        }
    }
}
