package org.sparkimage.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.curate.CurateOptions;
import org.sparkimage.curate.Curation;
import org.sparkimage.curate.NearDuplicates;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.ReadAhead;
import org.sparkimage.setup.TableFormat;
import org.sparkimage.train.TrainSettings;
import org.sparkimage.util.CommandLines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scripts/curate.sh}: find what is wrong in a labeled dataset. */
@Command(name = "curate", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "One pass over a labeled dataset: embeds it with a MobileNetV2 (shares train.sh's embeddings cache), cross-fits MLlib"
                    + " heads for out-of-sample probabilities, finds label issues by confident learning, finds exact (content hash)"
                    + " and near (embedding LSH) duplicate groups, and writes into <output>:",
            "  out_of_sample/  label_issues/  duplicates/   Parquet tables",
            "  predictions.csv, label-studio.json (+ label-studio-config.xml), curation.json, review/index.html",
            "The review page filters label issues, duplicate groups and least sure first; a reviewer's decisions download as a"
                    + " corrections file that train.sh --corrections and curate.sh --corrections read back.",
            "",
            "Exit status: 0 done; 2 bad arguments or labels nothing can be learned from (one class, a class under 2 images, no"
                    + " decodable image); 3 input missing or unreadable; 4 output exists (use --overwrite); 5 backbone unusable;"
                    + " 1 the job failed."},
        footer = {"", "Example: scripts/curate.sh --input src/test/data/labeled --output /tmp/emoji-curation --overwrite"})
public final class CurateCommand implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "<folder>", description = "A folder per class: <folder>/<class>/... Any Hadoop URI.")
    String input;

    @Option(names = "--labels", paramLabel = "<table>",
            description = "Instead of --input: a path,label table (CSV with a header if the name ends in .csv, else Parquet).")
    String labels;

    @Option(names = "--corrections", paramLabel = "<table>",
            description = "A path,label table applied on top (the review page's download): its label replaces the input's;"
                    + " an empty label leaves the file out.")
    String corrections;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Output folder (local path or Hadoop URI).")
    String output;

    @Option(names = "--cache", paramLabel = "<dir>", description = "Embeddings cache folder (train.sh's is reusable)."
            + " Default: <output>/embeddings.")
    String cache;

    @Option(names = "--model", defaultValue = "default", paramLabel = "default|<file.onnx>",
            description = "The backbone (an fp32 MobileNetV2 this product wrote or imported). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--model-card", paramLabel = "<file>", description = "The backbone's card. Default: the card in the model.")
    Path modelCard;

    @Option(names = "--folds", paramLabel = "K", description = "Cross-fitting folds. Default: ${DEFAULT-VALUE}.")
    int folds = CurateOptions.DEFAULT_CROSS_FIT.folds();

    @Option(names = "--reg-params", split = ",", paramLabel = "R,...",
            description = "Regularisation grid; the point with the lowest out-of-sample log loss gives the probabilities."
                    + " Default: 0.01,0.1,1,10.")
    double[] regParams = CurateOptions.DEFAULT_CROSS_FIT.regParams();

    @Option(names = "--parallelism", paramLabel = "N", description = "Fits at once. Default: ${DEFAULT-VALUE}.")
    int parallelism = CurateOptions.DEFAULT_CROSS_FIT.parallelism();

    @Option(names = "--near-duplicate-similarity", paramLabel = "S",
            description = "Cosine similarity of centred embeddings at which two images are near-duplicates. Default: ${DEFAULT-VALUE}.")
    double similarity = NearDuplicates.DEFAULTS.threshold();

    @Option(names = "--lsh-bits", paramLabel = "B", description = "Hyperplane signs per LSH key (more: fewer candidates, lower"
            + " recall per table). Default: ${DEFAULT-VALUE}.")
    int bits = NearDuplicates.DEFAULTS.bits();

    @Option(names = "--lsh-tables", paramLabel = "N", description = "LSH keys per image (more: higher recall). Default: ${DEFAULT-VALUE}.")
    int tables = NearDuplicates.DEFAULTS.tables();

    @Option(names = "--no-duplicates", description = "Skip the duplicate search.")
    boolean noDuplicates;

    @Option(names = "--no-content-hash", description = "Near-duplicates only: skip the exact-duplicate pass (one more read of every"
            + " file, no decode).")
    boolean noContentHash;

    @Option(names = "--image-url-prefix", paramLabel = "<url>",
            description = "Label Studio's data.image: this prefix + the path below --image-root. Default: the file's URI.")
    String imageUrlPrefix;

    @Option(names = "--image-root", paramLabel = "<folder>",
            description = "The folder --image-url-prefix stands for. Default: --input, or the label table's folder.")
    String imageRoot;

    @Option(names = "--review-limit", paramLabel = "N", description = "Cards per review queue at most. Default: ${DEFAULT-VALUE}.")
    int reviewLimit = CurateOptions.DEFAULT_REVIEW_LIMIT;

    @Option(names = "--thumb-size", paramLabel = "PX", description = "Thumbnail box. Default: ${DEFAULT-VALUE}.")
    int thumbSize = 128;

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

    CurateCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        CurateOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            console.println("curate: " + e.getMessage());
            return 2;
        }
        return SessionCommands.run("curate", "curate-dataset", master, sparkConf, console, spark -> {
            Curation.run(spark, options, console);
            console.println("review: " + output + "/" + Curation.REVIEW + "/index.html; label issues in " + output + "/"
                    + Curation.LABEL_ISSUES + ", duplicate groups in " + output + "/" + Curation.DUPLICATES);
        });
    }

    private CurateOptions options() {
        ClassifierSettings embedding = image.settings(1, true, ClassifierSettings.DEFAULTS.quantization()); // fp32
        JobOptions.Run run = new JobOptions.Run(master, partitions, JobOptions.DEFAULT_COMMIT_EVERY, JobOptions.OutputMode.CREATE,
                progressSeconds, sparkConf, ReadAhead.DEFAULT, null, TableFormat.PARQUET);
        TrainSettings crossFit = CurateOptions.DEFAULT_CROSS_FIT.withFits(Arrays.copyOf(regParams, regParams.length), folds, parallelism);
        NearDuplicates near = noDuplicates ? null : new NearDuplicates(similarity, bits, tables, NearDuplicates.DEFAULTS.seed());
        return new CurateOptions(input, labels, corrections, output, cache, model, modelCard, embedding, run, crossFit, near,
                !noContentHash, imageRoot, imageUrlPrefix, reviewLimit, thumbSize, overwrite);
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new CurateCommand(console), console, "curate: the job failed", args);
    }

    /** The {@code curate} command line; exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
