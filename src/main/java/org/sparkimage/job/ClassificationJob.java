package org.sparkimage.job;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.Int8Models;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.Quantization;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.PartitionStats;
import org.sparkimage.core.PredictionSchema;

/**
 * The driver side of one run: resolve and broadcast the model, open the input
 * ({@link InputSources}: loose files and tar shards from a listing, or a table), classify each
 * source partition by partition, write predictions ({@link PredictionStore}: Parquet, or a Delta
 * table) and stats (Parquet) one commit at a time, then {@code summary.json}.
 */
public final class ClassificationJob {
    private ClassificationJob() {}

    /**
     * Tasks per core and chunk. Every task fills and drains its decode/inference pipeline and writes
     * a Parquet file, so fewer, longer tasks are faster (measured: docs/throughput.md); two per core
     * still lets a fast core take over part of a slow one's share.
     */
    static final int PARTITIONS_PER_CORE = 2;

    /**
     * Runs the job in {@code spark}.
     *
     * @param console where progress lines and the resume note go
     * @throws JobException for what the user can fix (the exit code says what)
     * @throws IOException  when the output cannot be written
     */
    public static JobSummary run(SparkSession spark, JobOptions o, PrintStream console) throws JobException, IOException {
        Instant start = Instant.now();
        SparkContext sc = spark.sparkContext();
        Configuration hadoop = sc.hadoopConfiguration();
        if (!o.inputIsList()) checkInput(o.input(), hadoop);
        ModelBundle bundle = resolveModel(o, hadoop, console);
        Path out = new Path(o.output());
        FileSystem outFs = out.getFileSystem(hadoop);
        checkSession(spark, o.run().format());
        boolean resuming = prepareOutput(o, outFs, out);
        PredictionStore store = new PredictionStore(spark, outFs, out, PredictionSchema.schema(o.classifier().embeddings()),
                o.run().format(), o.run().partitionBy());
        if (resuming) {
            store.checkFormat();
            store.recover();
            store.checkPartitioning();
        }
        RunSummarizer summarizer = new RunSummarizer(spark, outFs, out);
        List<String> earlierRuns = resuming ? summarizer.earlierRuns() : List.of();

        InputSources input = InputSources.open(spark, o, hadoop, store, resuming, console);
        if (resuming) {
            console.printf("resuming %s: %d files have committed rows, %d stale rows dropped%n", o.output(),
                    input.plan().kept(), input.plan().stale());
        }
        PartitionClassifier.Reporting reporting = new PartitionClassifier.Reporting(sc.longAccumulator("images processed"),
                sc.longAccumulator("images failed"), sc.collectionAccumulator("partition stats"));
        int partitions = classify(spark, o, bundle, input, store, reporting, console);

        List<PartitionStats> stats = new ArrayList<>(reporting.stats().value());
        stats.sort(Comparator.comparingInt(s -> s.task().partition()));
        spark.createDataFrame(PartitionStats.toRows(stats), PartitionStats.SCHEMA).coalesce(1)
                .write().mode(SaveMode.Append).parquet(new Path(out, "stats").toString()); // one file per run
        JobSummary.Resume resume = resuming
                ? new JobSummary.Resume(input.plan().kept(), input.plan().stale(), earlierRuns) : JobSummary.Resume.NONE;
        JobSummary summary = summarizer.summarize(start, bundle, stats, resuming ? store.committed() : null, resume, partitions);
        summarizer.write(summary);
        return summary;
    }

    /**
     * Classifies every source, with progress lines while it runs.
     *
     * @return the largest number of partitions per commit
     */
    private static int classify(SparkSession spark, JobOptions o, ModelBundle bundle, InputSources input, PredictionStore store,
                                PartitionClassifier.Reporting reporting, PrintStream console) throws IOException {
        SparkContext sc = spark.sparkContext();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Broadcast<ModelBundle> model = jsc.broadcast(bundle);
        Broadcast<Map<String, String>> conf = broadcastConf(jsc, sc.hadoopConfiguration());
        int partitions = 0;
        try (ProgressReporter progress = new ProgressReporter(sc, reporting.processed(), reporting.errors(),
                input.expectedImages(), o.run().progressSeconds(), console)) {
            for (InputSource source : input.sources()) {
                int n = partitions(sc, o.run(), source.rows());
                partitions = Math.max(partitions, n);
                console.printf("classifying %s in %d partitions per commit of up to %d with %s%n", source.describe(), n,
                        o.run().commitEvery(), bundle.card().name());
                source.classify(spark, new PartitionClassifier(model, o.classifier(), source.binding(o.classifier(), conf),
                        reporting), store, n, o.run().commitEvery());
            }
            store.ensureExists();
            if (o.run().progressSeconds() > 0) progress.report();
        }
        return partitions;
    }

    private static ModelBundle resolveModel(JobOptions o, Configuration hadoop, PrintStream console) throws JobException {
        ModelBundle bundle;
        try {
            bundle = ModelBundle.resolve(o.model(), o.modelCard(), hadoop);
        } catch (IOException | RuntimeException e) {
            throw new JobException(JobException.EXIT_MODEL, "cannot use model '" + o.model() + "': " + e.getMessage());
        }
        bundle = quantized(o, bundle, hadoop, console);
        if (o.classifier().embeddings() && bundle.card().output().features() == null) {
            throw new JobException(JobException.EXIT_MODEL,
                    "--embeddings: the card of model '" + o.model() + "' names no features output");
        }
        return bundle;
    }

    /**
     * The int8 form of the model when {@code --precision int8} asks for it, calibrated on
     * {@code --calibration} or else on the first files of the input (in path order).
     */
    private static ModelBundle quantized(JobOptions o, ModelBundle bundle, Configuration hadoop, PrintStream console)
            throws JobException {
        Quantization q = o.classifier().quantization();
        if (q.precision() == Precision.FP32 || bundle.precision() == Precision.INT8) return bundle;
        if (q.calibration() == null && (o.table() != null || o.inputIsList())) {
            throw new JobException(JobException.EXIT_MODEL, "--precision int8 with " + (o.table() != null ? "--binary-column" : "--input-list")
                    + " needs --calibration <folder of images>");
        }
        String source = q.calibration() != null ? q.calibration() : o.input();
        try {
            return Int8Models.prepare(bundle, q, CalibrationFiles.of(source, hadoop, o.classifier().maxImageBytes()),
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

    /** Partitions per commit: asked for, or two per core of the cluster, never more than the commit's rows. */
    static int partitions(SparkContext sc, JobOptions.Run run, long rows) {
        if (run.partitions() > 0) return run.partitions();
        int chunk = (int) Math.min(run.commitEvery(), Math.max(1, rows));
        return Math.max(1, Math.min(chunk, PARTITIONS_PER_CORE * sc.defaultParallelism()));
    }

    /** The driver's Hadoop settings (credentials, file system options) for the tasks' reads. */
    private static Broadcast<Map<String, String>> broadcastConf(JavaSparkContext jsc, Configuration hadoop) {
        Map<String, String> entries = new HashMap<>();
        hadoop.forEach(e -> entries.put(e.getKey(), e.getValue()));
        return jsc.broadcast(entries);
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
