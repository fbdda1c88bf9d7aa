package org.sparkimage.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.cli.ClassifierOptions;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.util.CommandLines;
import org.sparkimage.util.JsonFiles;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The agreement harness ({@code scripts/agreement.sh}): classifies one folder of images twice, with
 * a reference setting A and another setting B, through the same Spark job as the CLI, and reports
 * how far B moves the answers ({@link Agreement}) and how fast each side decodes
 * ({@link DecodeSpeed}). Each side is a string of the CLI's own per-image options, parsed by the
 * CLI's own mixin ({@link ClassifierOptions}), so any setting the CLI gains can be compared here
 * without a change.
 */
@Command(name = "agreement", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        description = "Compares the labels and probabilities of two classifier settings over one folder of images.")
public final class AgreementCommand implements Callable<Integer> {
    @Option(names = "--images", required = true, paramLabel = "<dir>", description = "The folder of images (walked recursively).")
    Path images;

    @Option(names = "--a", defaultValue = "--decode full", paramLabel = "<options>",
            description = "The reference side: classify options as the CLI takes them, in one argument. Default: '${DEFAULT-VALUE}'.")
    String a;

    @Option(names = "--b", defaultValue = "--decode scaled", paramLabel = "<options>",
            description = "The side compared with it. Default: '${DEFAULT-VALUE}'.")
    String b;

    @Option(names = "--json", paramLabel = "<file>", description = "Also write the figures, error rows and flips here.")
    Path json;

    @Option(names = "--work", defaultValue = "target/agreement", paramLabel = "<dir>",
            description = "Where the two jobs write their tables (replaced). Default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(names = "--model", defaultValue = "default", paramLabel = "default|<file.onnx>", description = "The model of both sides.")
    String model;

    @Option(names = "--model-card", paramLabel = "<file>", description = "Card for a model that carries none.")
    Path modelCard;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--margin", defaultValue = "" + Agreement.DEFAULT_MARGIN,
            description = "An image is confident when the reference's top-1 beats its top-2 by more than this. Default: ${DEFAULT-VALUE}.")
    double margin;

    @Option(names = "--speed-rounds", defaultValue = "3",
            description = "Rounds of the decode+preprocess speed comparison (0 = skip it). Default: ${DEFAULT-VALUE}.")
    int speedRounds;

    @Option(names = "--speed-seconds", defaultValue = "3", description = "Shortest time of each side in a round. Default: ${DEFAULT-VALUE}.")
    double speedSeconds;

    private final PrintStream log;

    AgreementCommand(PrintStream log) {
        this.log = log;
    }

    /** The CLI's per-image options, alone: what one side's string is parsed with. */
    @Command(name = "side")
    static final class Side {
        @Mixin
        ClassifierOptions options = new ClassifierOptions();
    }

    /**
     * Parses one side's options exactly as the CLI parses them (whitespace separates arguments).
     *
     * @throws CommandLine.ParameterException for an unknown option or a bad value
     */
    static ClassifierSettings settings(String options) {
        Side side = new Side();
        CommandLine cli = new CommandLine(side);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        String trimmed = options.trim();
        cli.parseArgs(trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+"));
        return side.options.settings();
    }

    @Override
    public Integer call() throws Exception {
        ClassifierSettings sa;
        ClassifierSettings sb;
        try {
            sa = settings(a);
            sb = settings(b);
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            log.println("bad side options: " + e.getMessage());
            return 2;
        }
        if (!Files.isDirectory(images)) {
            log.println("not a folder: " + images);
            return 3;
        }
        ModelBundle bundle = ModelBundle.resolve(model, modelCard);
        List<String> labels = bundle.card().labels();
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSessions.start("agreement", master, Map.of());
        try {
            Map<String, Agreement.Outcome> outA = classify(spark, sa, work.resolve("a"), labels.size());
            Map<String, Agreement.Outcome> outB = classify(spark, sb, work.resolve("b"), labels.size());
            Agreement agreement = Agreement.of(outA, outB, labels, margin);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("images_dir", images.toString());
            report.put("a", a);
            report.put("b", b);
            report.put("model", bundle.card().name() + " (" + bundle.sha256().substring(0, 12) + ")");
            report.put("agreement", agreement.toJson());
            log.printf("A: %s%nB: %s%n", a, b);
            log.print(agreement.table());
            if (speedRounds > 0) {
                Preprocessor pre = new Preprocessor(bundle.card());
                DecodeSpeed.Result speed = DecodeSpeed.measure(List.of(
                                new DecodeSpeed.Way("a", sa.decoder(bundle.card()), sa.scaleHint(pre)),
                                new DecodeSpeed.Way("b", sb.decoder(bundle.card()), sb.scaleHint(pre))),
                        pre, CorpusBench.readAll(images), spark.sparkContext().defaultParallelism(), speedSeconds, speedRounds);
                report.put("decode_speed", speed.toJson());
                log.printf("decode+preprocess: a %.1f, b %.1f images/s (medians of %d rounds); b/a = %.2f%n", speed.median(0),
                        speed.median(1), speedRounds, speed.ratio(1));
            }
            if (json != null) {
                if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
                Files.writeString(json, JsonFiles.writePretty(report));
                log.println("wrote " + json);
            }
            return 0;
        } finally {
            if (ownSession) spark.stop();
        }
    }

    /** Runs the job over the folder with {@code settings} (every class kept) and reads its rows back, by path under the folder. */
    private Map<String, Agreement.Outcome> classify(SparkSession spark, ClassifierSettings settings, Path out, int classes)
            throws Exception {
        JobOptions.Run run = new JobOptions.Run(master, 0, JobOptions.DEFAULT_COMMIT_EVERY, JobOptions.OutputMode.OVERWRITE, 0, Map.of(),
                JobOptions.Run.DEFAULT.readAhead(), null, JobOptions.DEFAULT_FORMAT);
        JobOptions options = new JobOptions(images.toString(), out.toString(), model, modelCard, settings.withTopK(classes), null, run,
                false);
        ClassificationJob.run(spark, options, new PrintStream(PrintStream.nullOutputStream()));
        String prefix = images.toAbsolutePath().normalize().toString() + "/";
        Map<String, Agreement.Outcome> rows = new HashMap<>();
        for (Row r : spark.read().parquet(out.resolve("predictions").toString()).select("path", "status", "error_code", "top_k")
                .collectAsList()) {
            String path = r.getString(0);
            int at = path.indexOf(prefix);
            String key = at >= 0 ? path.substring(at + prefix.length()) : path;
            if (!"ok".equals(r.getString(1))) {
                rows.put(key, Agreement.Outcome.error(r.getString(2)));
                continue;
            }
            double[] p = new double[classes];
            for (Row t : r.<Row>getList(3)) p[t.<Integer>getAs("index")] = t.<Float>getAs("probability");
            rows.put(key, Agreement.Outcome.of(p));
        }
        return rows;
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream log, String... args) {
        return CommandLines.execute(new AgreementCommand(log), log, "agreement failed", args);
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
