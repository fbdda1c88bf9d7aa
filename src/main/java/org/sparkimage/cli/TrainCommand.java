package org.sparkimage.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.ReadAhead;
import org.sparkimage.setup.TableFormat;
import org.sparkimage.train.TrainOptions;
import org.sparkimage.train.TrainSettings;
import org.sparkimage.train.Training;
import org.sparkimage.util.CommandLines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scripts/train.sh}: teach the model your classes. */
@Command(name = "train", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Embeds labeled images with a MobileNetV2 (the classify job's partition function, fp32), trains MLlib's multinomial"
                    + " logistic regression on the embeddings (regularisation chosen by cross-validation, measured on a held-out"
                    + " stratified validation split) and writes <output>/model.onnx: the backbone and the trained head as one ONNX"
                    + " model with a card naming your classes, which classify.sh --model, --precision int8, the transformer and"
                    + " the SQL functions run as they are. Also <output>/metrics.json, report.html, mllib-model/, validation/ and"
                    + " the embeddings cache (a second training with other settings reads no image).",
            "",
            "Exit status: 0 trained; 2 bad arguments or labels no head can learn (one class, a class under 2 images, empty labels);"
                    + " 3 input missing or unreadable; 4 output exists (use --overwrite); 5 backbone unusable; 1 the job failed."},
        footer = {"", "Example: scripts/train.sh --input src/test/data/labeled --output /tmp/emoji-head --overwrite"})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "<folder>",
            description = "A folder per class: <folder>/<class>/... (tar shards inside a class folder too). Any Hadoop URI.")
    String input;

    @Option(names = "--labels", paramLabel = "<table>",
            description = "Instead of --input: a table with columns path,label (CSV with a header if the name ends in .csv,"
                    + " else Parquet). Relative paths are below the table's folder; <shard>.tar/<member> names a tar member.")
    String labels;

    @Option(names = "--corrections", paramLabel = "<table>",
            description = "A path,label table applied on top of the input: its label replaces the input's; an empty label"
                    + " leaves the file out.")
    String corrections;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Output folder (local path or Hadoop URI).")
    String output;

    @Option(names = "--cache", paramLabel = "<dir>",
            description = "Embeddings cache folder. Default: <output>/embeddings (kept by --overwrite while it fits the input).")
    String cache;

    @Option(names = "--model", defaultValue = "default", paramLabel = "default|<file.onnx>",
            description = "The backbone: 'default' (the shipped MobileNetV2), or an fp32 MobileNetV2 ONNX file this product wrote"
                    + " or imported. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--model-card", paramLabel = "<file>", description = "The backbone's card. Default: the card in the model.")
    Path modelCard;

    @Option(names = "--name", paramLabel = "NAME", description = "The trained model's name. Default: <backbone>+<classes>.")
    String name;

    @Option(names = "--reg-params", split = ",", paramLabel = "R,...",
            description = "Regularisation grid (MLlib regParam, L2 on standardised features). Default: 1e-4,1e-3,1e-2,1e-1,1.")
    double[] regParams = TrainSettings.DEFAULT_REG_PARAMS;

    @Option(names = "--folds", paramLabel = "K", description = "Cross-validation folds that choose the regularisation."
            + " Default: ${DEFAULT-VALUE}.")
    int folds = TrainSettings.DEFAULT_FOLDS;

    @Option(names = "--validation-fraction", paramLabel = "F",
            description = "Share of each class held out for the reported metrics. Default: ${DEFAULT-VALUE}.")
    double validationFraction = TrainSettings.DEFAULT_VALIDATION_FRACTION;

    @Option(names = "--class-weights", paramLabel = "none|balanced",
            description = "balanced: weight each class by n / (classes x n_class), for imbalanced classes. Default: ${DEFAULT-VALUE}.")
    String classWeights = "none";

    @Option(names = "--min-spread", paramLabel = "F",
            description = "Leave out embedding features whose standard deviation on the training images is below F x the median"
                    + " one: near-dead channels that a standardised regression weights by thousands, so that int8 rounding flips"
                    + " labels (docs/training.md). 0: keep all. Default: ${DEFAULT-VALUE}.")
    double minSpread = TrainSettings.DEFAULT_MIN_SPREAD;

    @Option(names = "--max-iter", paramLabel = "N", description = "L-BFGS iterations per fit at most. Default: ${DEFAULT-VALUE}.")
    int maxIter = TrainSettings.DEFAULT_MAX_ITER;

    @Option(names = "--parallelism", paramLabel = "N", description = "Cross-validation fits at once (each holds its own copy of"
            + " its training rows). Default: ${DEFAULT-VALUE}.")
    int parallelism = TrainSettings.DEFAULT_PARALLELISM;

    @Mixin
    ImageReadOptions image = new ImageReadOptions();

    @Option(names = "--master", paramLabel = "<url>", description = "Spark master. Default: local[*], or what spark-submit set.")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions per embedding chunk. Default: sized from the cluster.")
    int partitions;

    @Option(names = "--progress-seconds", paramLabel = "S", description = "Seconds between progress lines; 0: off. Default: ${DEFAULT-VALUE}.")
    int progressSeconds = JobOptions.DEFAULT_PROGRESS_SECONDS;

    @Option(names = "--conf", paramLabel = "key=value", description = "Extra Spark setting (repeatable).")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Option(names = "--overwrite", description = "Replace the output folder if it exists (a fitting embeddings cache in it is kept).")
    boolean overwrite;

    private final PrintStream console;

    TrainCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        TrainOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            console.println("train: " + e.getMessage());
            return 2;
        }
        return SessionCommands.run("train", "train-head", master, sparkConf, console, spark -> {
            Training.run(spark, options, console);
            console.println("report: " + output + "/" + Training.REPORT_FILE + " (metrics.json beside it); classify with: "
                    + "scripts/classify.sh --model " + output + "/" + Training.MODEL_FILE + " --input <images> --output <dir>");
        });
    }

    private TrainOptions options() {
        if (!classWeights.equals("none") && !classWeights.equals("balanced")) {
            throw new IllegalArgumentException("--class-weights must be none or balanced, got " + classWeights);
        }
        ClassifierSettings embedding = image.settings(1, true, ClassifierSettings.DEFAULTS.quantization()); // fp32
        JobOptions.Run run = new JobOptions.Run(master, partitions, JobOptions.DEFAULT_COMMIT_EVERY, JobOptions.OutputMode.CREATE,
                progressSeconds, sparkConf, ReadAhead.DEFAULT, null, TableFormat.PARQUET);
        TrainSettings training = new TrainSettings(Arrays.copyOf(regParams, regParams.length), folds, validationFraction, maxIter,
                TrainSettings.DEFAULT_TOLERANCE, classWeights.equals("balanced"), 1L, parallelism, minSpread);
        return new TrainOptions(input, labels, corrections, output, cache, model, modelCard, name, embedding, run, training, overwrite);
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new TrainCommand(console), console, "train: the job failed", args);
    }

    /** The {@code train} command line; exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
