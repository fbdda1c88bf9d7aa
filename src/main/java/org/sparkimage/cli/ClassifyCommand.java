package org.sparkimage.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.ExecutorMemory;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.EmbeddingFormat;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.ReadAhead;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.setup.TableFormat;
import org.sparkimage.util.CommandLines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scripts/classify.sh} and {@code scripts/submit.sh}: label every image under a path. */
@Command(name = "classify", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Classifies every image file under --input with a MobileNetV2 (ONNX Runtime) on Apache Spark and writes one"
                    + " row per file to <output>/predictions (Parquet or Delta Lake; a prediction, or an error code and message),"
                    + " per-partition throughput to <output>/stats and a run summary to <output>/summary.json.",
            "",
            "Exit status: 0 the job ran (some rows may be errors); 2 bad arguments (or ones that do not fit the output); 3 input missing or unreadable;"
                    + " 4 output exists (use --overwrite or --resume); 5 model or model card unusable; 1 the job failed."},
        footer = {"", "Example: scripts/classify.sh --input samples --output /tmp/labels --overwrite"})
public final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "<path|glob|URI>",
            description = "Image files: a directory (all files below it), a glob such as 'photos/*.jpg', or a Hadoop URI (file:, hdfs:, s3a:).")
    String input;

    @Option(names = "--input-list", paramLabel = "<file>",
            description = "Instead of --input: a manifest naming the files, so nothing is listed. A text file, one URI per line"
                    + " (optionally <TAB>size<TAB>modification time), or a Parquet table with a 'path' column and optional"
                    + " 'size' and 'modification_time' columns.")
    String inputList;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Output directory (local path or Hadoop URI).")
    String output;

    @Option(names = "--model", defaultValue = "default", paramLabel = "default|<file.onnx>",
            description = "'default' (the shipped nsfwjs MobileNetV2), or an ONNX file (local path or Hadoop URI). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--model-card", paramLabel = "<file>",
            description = "Model card JSON (input layout, resize, normalisation, labels). Default: the card embedded in the model.")
    Path modelCard;

    @Option(names = "--master", paramLabel = "<url>",
            description = "Spark master, e.g. local[4] or spark://host:7077. Default: local[*], or what spark-submit set.")
    String master;

    @Mixin
    ClassifierOptions classifier = new ClassifierOptions();

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of each commit chunk. Default: min(files, 2 x the cluster's parallelism).")
    int partitions;

    @Option(names = "--commit-every", paramLabel = "N",
            description = "Files per commit: rows are committed to the output every N files, so an interrupted run"
                    + " loses at most the chunk in flight. Default: ${DEFAULT-VALUE}.")
    int commitEvery = JobOptions.DEFAULT_COMMIT_EVERY;

    @Option(names = "--partition-by", paramLabel = "COL",
            description = "Write <output>/predictions partitioned by this column (one folder per value, e.g. label=Neutral;"
                    + " error rows under label=__HIVE_DEFAULT_PARTITION__): label, status, error_code or model_sha256."
                    + " Works with --resume.")
    String partitionBy;

    @Option(names = "--format", paramLabel = "parquet|delta",
            description = "How <output>/predictions is stored: Parquet files, or a Delta Lake table (one Delta"
                    + " transaction per commit; --resume deletes stale rows with a Delta MERGE). The job's session gets"
                    + " Delta's extension and catalog. Default: ${DEFAULT-VALUE}.")
    TableFormat format = JobOptions.DEFAULT_FORMAT;

    @Option(names = "--embedding-format", paramLabel = "array|vector",
            description = "With --embeddings: store the embedding column as array<float> (what pandas, DuckDB, Polars and"
                    + " vector stores read; half the bytes) or as Spark ML's Vector struct. Default: array for a new output;"
                    + " --resume keeps the table's own.")
    EmbeddingFormat embeddingFormat;

    @Option(names = "--overwrite", description = "Replace the output directory if it exists.")
    boolean overwrite;

    @Option(names = "--resume", description = "Continue an existing output: keep its committed rows and label only the files"
            + " without one (or whose size or modification time changed since). Without an output, a normal run.")
    boolean resume;

    @Option(names = "--binary-column", paramLabel = "COLUMN",
            description = "The input is a Parquet table: classify the encoded images in this binary column, one row each.")
    String binaryColumn;

    @Option(names = "--id-column", paramLabel = "COLUMN",
            description = "With --binary-column: the column whose value goes into 'path'. Default: <input>#<row id>.")
    String idColumn;

    @Option(names = "--image-base", paramLabel = "<dir>",
            description = "With --binary-column: the folder (path or Hadoop URI) that relative paths of Hugging Face Image"
                    + " cells without bytes are read against. Default: the table's folder.")
    String imageBase;

    @Option(names = "--carry-columns", paramLabel = "COL[=NAME]", split = ",",
            description = "With --binary-column: copy these top-level input columns into every output row, after the"
                    + " product's columns (a ClassLabel column arrives as its int64 index); COL=NAME renames one, e.g."
                    + " label=given_label, since 'label' is an output column already.")
    List<String> carryColumns = new ArrayList<>();

    @Option(names = "--progress-seconds", paramLabel = "S",
            description = "Seconds between progress lines; 0 turns them off. Default: ${DEFAULT-VALUE}.")
    int progressSeconds = JobOptions.DEFAULT_PROGRESS_SECONDS;

    @Option(names = "--read-ahead-files", paramLabel = "N",
            description = "Files each task reads ahead of its decoding (hides an object store's latency); 0 turns"
                    + " read-ahead off. Default: ${DEFAULT-VALUE}.")
    int readAheadFiles = ReadAhead.DEFAULT_FILES;

    @Option(names = "--read-ahead-mb", paramLabel = "MB",
            description = "Megabytes each task reads ahead at most (a larger file is still read, alone). Default: ${DEFAULT-VALUE}.")
    int readAheadMb = ReadAhead.DEFAULT_MB;

    @Option(names = "--read-ahead-threads", paramLabel = "N",
            description = "I/O threads per executor, shared by its tasks' read-ahead. Default: ${DEFAULT-VALUE}.")
    int readAheadThreads = ReadAhead.DEFAULT_THREADS;

    @Option(names = "--conf", paramLabel = "key=value", description = "Extra Spark setting (repeatable).")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    private final PrintStream console;

    ClassifyCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        JobOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            console.println("classify: " + e.getMessage());
            return 2;
        }
        // A session that already runs (a notebook, a test) is used and left running.
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkConf conf = SparkSessions.conf("classify-images", master, sparkConf, options.run().format());
        ExecutorMemory.Choice memory = ownSession ? sizeExecutorMemory(conf, options) : null;
        SparkSession spark;
        try {
            spark = SparkSessions.start(conf);
        } catch (IllegalArgumentException e) { // Spark refuses a setting, e.g. a commit protocol class this cluster lacks
            console.println("classify: Spark refused a setting: " + e.getMessage());
            return JobException.EXIT_USAGE;
        }
        try {
            JobSummary summary = ClassificationJob.run(spark, options, console);
            console.print(summary.toTable());
            return 0;
        } catch (JobException e) {
            console.println("classify: " + e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            String reason = JobFailure.reason(e);
            if (reason == null) throw e; // not a Spark job abort: a bug, with its stack trace
            console.println("classify: the job failed: " + reason);
            if (JobFailure.overMemoryLimit(reason)) console.println("classify: " + JobFailure.memoryAdvice(memory));
            return 1;
        } finally {
            if (ownSession) spark.stop();
        }
    }

    /**
     * Sizes {@code spark.executor.memoryOverhead} for the model and batch size before Spark starts
     * ({@link ExecutorMemory}); the model is read here for its size and card (and again by the job).
     * Null where the overhead does not apply or the model cannot be read (the job then reports it).
     */
    private ExecutorMemory.Choice sizeExecutorMemory(SparkConf conf, JobOptions options) {
        if (!ExecutorMemory.applies(conf)) return null;
        ModelBundle bundle;
        try {
            bundle = ModelBundle.resolve(options.model(), options.modelCard(), SparkHadoopUtil.get().newConfiguration(conf));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return ExecutorMemory.resolve(conf, bundle.bytes().length, bundle.card(), options.classifier().batchSize(), console);
    }

    private JobOptions options() {
        if ((input == null) == (inputList == null)) throw new IllegalArgumentException("give one of --input and --input-list");
        if (binaryColumn == null && (idColumn != null || imageBase != null || !carryColumns.isEmpty())) {
            throw new IllegalArgumentException("--id-column, --image-base and --carry-columns need --binary-column (a table input)");
        }
        if (overwrite && resume) throw new IllegalArgumentException("--overwrite and --resume exclude each other");
        JobOptions.OutputMode mode = resume ? JobOptions.OutputMode.RESUME
                : overwrite ? JobOptions.OutputMode.OVERWRITE : JobOptions.OutputMode.CREATE;
        return new JobOptions(input != null ? input : inputList, output, model, modelCard, classifier.settings(),
                binaryColumn == null ? null : new JobOptions.TableInput(binaryColumn, idColumn, imageBase,
                        carryColumns.stream().map(JobOptions.CarriedColumn::parse).toList()),
                new JobOptions.Run(master, partitions, commitEvery, mode, progressSeconds, sparkConf,
                        ReadAhead.of(readAheadFiles, readAheadMb, readAheadThreads), partitionBy, format, embeddingFormat), inputList != null);
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new ClassifyCommand(console), console, "classify: the job failed", args);
    }

    /**
     * The {@code classify} command line; exits with its status. In YARN cluster mode the driver runs
     * inside the application master, which reports the application's final status only when this
     * method returns or throws: System.exit there makes YARN record a failure (exit code 16,
     * "Shutdown hook called before final status was reported") and start a second attempt.
     */
    public static void main(String[] args) {
        int status = execute(System.out, args);
        if (!inYarnApplicationMaster()) System.exit(status);
        if (status != 0) throw new IllegalStateException("classify failed with exit status " + status);
    }

    /** Spark's application master sets the deploy mode as a system property; YARN sets CONTAINER_ID. */
    private static boolean inYarnApplicationMaster() {
        return "cluster".equals(System.getProperty("spark.submit.deployMode")) && System.getenv("CONTAINER_ID") != null;
    }
}
