package org.sparkimage.job;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.util.CommandLines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scripts/classify.sh} and {@code scripts/submit.sh}: label every image under a path. */
@Command(name = "classify", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Classifies every image file under --input with a MobileNetV2 (ONNX Runtime) on Apache Spark and writes",
            "one Parquet row per file to <output>/predictions (a prediction, or an error code and message),",
            "per-partition throughput to <output>/stats and a run summary to <output>/summary.json.",
            "",
            "Exit status: 0 the job ran (some rows may be errors); 2 bad arguments; 3 input missing or unreadable;",
            "4 output exists (use --overwrite or --resume); 5 model or model card unusable; 1 the job failed."},
        footer = {"", "Example: scripts/classify.sh --input src/main/resources/samples --output /tmp/labels --overwrite"})
public final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "<path|glob|URI>",
            description = "Image files: a directory (walked recursively), a glob such as 'photos/*.jpg', or a Hadoop URI (file:, hdfs:, s3a:).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Output directory (local path or Hadoop URI).")
    String output;

    @Option(names = "--model", defaultValue = "default", paramLabel = "default|<file.onnx>",
            description = "'default' (the shipped nsfwjs MobileNetV2) or an ONNX file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--model-card", paramLabel = "<file>",
            description = "Model card JSON (input layout, resize, normalisation, labels). Default: the card embedded in the model.")
    Path modelCard;

    @Option(names = "--master", paramLabel = "<url>",
            description = "Spark master, e.g. local[4] or spark://host:7077. Default: local[*], or what spark-submit set.")
    String master;

    @Option(names = "--batch-size", defaultValue = "" + JobOptions.DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Classes kept per row in top_k. Default: min(5, classes).")
    int topK;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
            description = "Partitions of each commit chunk. Default: min(files, 2 x the cluster's parallelism).")
    int partitions;

    @Option(names = "--commit-every", defaultValue = "" + JobOptions.DEFAULT_COMMIT_EVERY, paramLabel = "N",
            description = "Files per commit: rows are committed to the output every N files, so an interrupted run"
                    + " loses at most the chunk in flight. Default: ${DEFAULT-VALUE}.")
    int commitEvery;

    @Option(names = "--overwrite", description = "Replace the output directory if it exists.")
    boolean overwrite;

    @Option(names = "--resume", description = {"Continue an existing output: keep its committed rows and label only the files"
            + " without one (or whose size or modification time changed since). Without an output, a normal run."})
    boolean resume;

    @Option(names = "--max-file-mb", defaultValue = "256", paramLabel = "MB",
            description = "Files larger than this become TOO_LARGE rows without being read. Default: ${DEFAULT-VALUE}.")
    long maxFileMb;

    @Option(names = "--max-megapixels", defaultValue = "100", paramLabel = "MP",
            description = "Images declaring more pixels in their header become TOO_LARGE rows. Default: ${DEFAULT-VALUE}.")
    long maxMegapixels;

    @Option(names = "--decode-timeout-seconds", defaultValue = "20", paramLabel = "S",
            description = "Wall time one image may take to decode before it becomes a TIMEOUT row. Default: ${DEFAULT-VALUE}.")
    double decodeTimeoutSeconds;

    @Option(names = "--decode", defaultValue = "scaled", paramLabel = "MODE",
            description = "scaled: JPEGs decoded at the smallest DCT scale (1/2..1/8) still >= the model input (fast);"
                    + " full: full resolution (what reference runtimes see); imageio: javax.imageio only (slow baseline)."
                    + " Default: ${DEFAULT-VALUE}.")
    String decodeMode;

    @Option(names = "--binary-column", paramLabel = "COLUMN",
            description = "The input is a Parquet table: classify the encoded images in this binary column, one row each.")
    String binaryColumn;

    @Option(names = "--id-column", paramLabel = "COLUMN",
            description = "With --binary-column: the column whose value goes into 'path'. Default: <input>#<row id>.")
    String idColumn;

    @Option(names = "--embeddings", description = "Add an 'embedding' column: the model's pooled features (1280 values for"
            + " MobileNetV2 1.0) as a Spark ML vector.")
    boolean embeddings;

    @Option(names = "--progress-seconds", defaultValue = "10", paramLabel = "S",
            description = "Seconds between progress lines; 0 turns them off. Default: ${DEFAULT-VALUE}.")
    int progressSeconds;

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
            if (idColumn != null && binaryColumn == null) throw new IllegalArgumentException("--id-column needs --binary-column");
            DecodeLimits limits = new DecodeLimits(maxMegapixels * 1_000_000L,
                    Duration.ofMillis(Math.round(decodeTimeoutSeconds * 1000)));
            options = new JobOptions(input, output, model, modelCard, master, batchSize, topK, partitions, commitEvery,
                    overwrite, resume, maxFileMb << 20, limits, DecodeMode.parse(decodeMode), embeddings,
                    binaryColumn == null ? null : new JobOptions.TableInput(binaryColumn, idColumn), progressSeconds, sparkConf);
        } catch (IllegalArgumentException e) {
            console.println("classify: " + e.getMessage());
            return 2;
        }
        // A session that already runs (a notebook, a test) is used and left running.
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSessions.start("classify-images", master, sparkConf);
        try {
            JobSummary summary = ClassificationJob.run(spark, options, console);
            console.print(summary.toTable());
            return 0;
        } catch (ClassificationJob.JobException e) {
            console.println("classify: " + e.getMessage());
            return e.exitCode();
        } finally {
            if (ownSession) spark.stop();
        }
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new ClassifyCommand(console), console, "classify: the job failed", args);
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
