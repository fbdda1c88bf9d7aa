package org.sparkimage.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Int8Models;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.core.Quantization;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.input.CalibrationFiles;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.setup.SparkSessions;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark job ({@code scripts/bench.sh}): per corpus the inference ceiling C, the
 * decode+preprocess ceiling D (and javax.imageio's for comparison) and the Spark job's end-to-end
 * throughput E, all in one run on one machine; optionally a long soak run for memory. Without
 * {@code --corpus} it makes two corpora from the reference photographs: ImageNet-sized and
 * camera-sized JPEGs ({@link CorpusMaker}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        description = "Measures inference and decode ceilings and end-to-end job throughput; writes bench.json, Parquet and report.html.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Where bench.json, report.html and the tables go.")
    Path output;

    @Option(names = "--corpus", paramLabel = "<dir>", description = "A folder of images to measure (repeatable). Default: the two generated corpora.")
    List<Path> corpora = new ArrayList<>();

    @Option(names = "--sources", defaultValue = "src/test/data/nsfw-mobilenetv2/images", paramLabel = "<dir>",
            description = "Photographs the default corpora are made from. Default: ${DEFAULT-VALUE}.")
    Path sources;

    @Option(names = "--corpus-cache", defaultValue = "target/bench-corpora", paramLabel = "<dir>",
            description = "Where generated corpora are kept between runs. Default: ${DEFAULT-VALUE}.")
    Path cache;

    // Jobs of ~30 s on 2 cores: a job's fixed cost (~0.7 s: model broadcast, listing, Spark job
    // start, output commit, stats) then weighs ~2 % instead of ~6 % in the ~10 s jobs of 2000 files.
    @Option(names = "--imagenet-images", defaultValue = "6000", description = "Size of the ImageNet-sized corpus. Default: ${DEFAULT-VALUE}.")
    int imagenetImages;

    @Option(names = "--camera-images", defaultValue = "1800", description = "Size of the camera-sized corpus. Default: ${DEFAULT-VALUE}.")
    int cameraImages;

    @Option(names = "--camera-unique", defaultValue = "150",
            description = "Distinct photos in the camera-sized corpus; the rest are hard links to them. Default: ${DEFAULT-VALUE}.")
    int cameraUnique;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--batch-size", defaultValue = "" + ClassifierSettings.DEFAULT_BATCH_SIZE,
            description = "Images per ONNX Runtime call, in the ceilings and the job. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--decode", paramLabel = "MODE",
            description = "Decode mode of D and of the jobs (full, scaled, imageio). Default: the product's, ${DEFAULT-VALUE}.")
    DecodeMode decodeMode = ClassifierSettings.DEFAULT_DECODE_MODE;

    @Option(names = "--min-seconds", defaultValue = "5", description = "Shortest measuring time of each ceiling. Default: ${DEFAULT-VALUE}.")
    double minSeconds;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds of C, D and E per corpus, interleaved; each figure is its best round. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--imageio-sample", defaultValue = "24",
            description = "Files of each corpus that the slow javax.imageio ceiling decodes. Default: ${DEFAULT-VALUE}.")
    int imageioSample;

    @Option(names = "--precision", split = ",", defaultValue = "fp32", paramLabel = "P[,P]",
            description = "Model precisions to measure side by side in every round: fp32, int8 or fp32,int8. Default: ${DEFAULT-VALUE}.")
    List<Precision> precisions;

    @Option(names = "--calibration", paramLabel = "<dir>",
            description = "int8: calibration images (built once, before any measurement). Default: the --sources photographs.")
    Path calibration;

    @Option(names = "--soak-images", defaultValue = "0",
            description = "Also run the job over this many images (hard links cycling the first corpus) and sample memory. Default: off.")
    int soakImages;

    @Option(names = "--sweep", arity = "1..*", paramLabel = "NAME=V1,V2",
            description = "Also measure E on the first corpus at every combination of batch=, threads= (per task), precision= and"
                    + " decode= values, interleaved in --rounds rounds, and recommend one. E.g. --sweep batch=8,16,32 threads=1,2."
                    + " Arguments can come from a file: @sweep.txt.")
    List<String> sweep;

    @Option(names = "--core-hour-price", paramLabel = "P",
            description = "Price of one core-hour: the report gives each corpus's cost per million images at E.")
    Double coreHourPrice;

    private final PrintStream log;
    private SparkSession current;
    private int currentThreads = 1;

    BenchCommand(PrintStream log) {
        this.log = log;
    }

    @Override
    public Integer call() throws Exception {
        SweepGrid grid;
        try {
            grid = sweep == null ? null : SweepGrid.parse(sweep, new SweepGrid.Setting(batchSize, 1, precisions.get(0), decodeMode));
            if (coreHourPrice != null && !(coreHourPrice > 0)) throw new IllegalArgumentException("--core-hour-price must be > 0");
        } catch (IllegalArgumentException e) {
            log.println("bench: " + e.getMessage());
            return 2;
        }
        List<Path> dirs = new ArrayList<>(corpora);
        if (dirs.isEmpty()) {
            log.println("making corpora from " + sources + " (kept in " + cache + ")...");
            dirs.add(CorpusMaker.make(sources, CorpusMaker.Kind.IMAGENET, imagenetImages, cache.resolve("imagenet-" + imagenetImages)));
            dirs.add(CorpusMaker.make(sources, CorpusMaker.Kind.CAMERA, cameraImages, cameraUnique,
                    cache.resolve("camera-" + cameraImages + "-of-" + cameraUnique)));
        }
        // A session that already runs (a test) is used and left running.
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSessions.start("bench", master, Map.of());
        current = spark;
        try {
            int cores = spark.sparkContext().defaultParallelism();
            if (grid != null) {
                int most = grid.settings().stream().mapToInt(SweepGrid.Setting::threads).max().orElse(1);
                if (most > cores) {
                    log.println("bench: --sweep threads=" + most + " is more than the " + cores + " cores the master gives a task");
                    return 2;
                }
            }
            ModelBundle model = ModelBundle.resolve("default", null);
            java.util.Set<Precision> built = new java.util.LinkedHashSet<>(precisions);
            if (grid != null) grid.settings().forEach(st -> built.add(st.precision()));
            List<CorpusBench.Variant> all = variants(model, spark, built);
            List<CorpusBench.Variant> variants = all.stream().filter(v -> precisions.contains(Precision.parse(v.precision()))).toList();
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("master", master);
            run.put("cores", cores);
            run.put("batch_size", batchSize);
            run.put("decode", decodeMode.toString());
            run.put("model", model.card().name() + " (" + model.sha256().substring(0, 12) + ")");
            run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            run.put("available_processors", Runtime.getRuntime().availableProcessors());
            run.put("started", java.time.Instant.now().toString());
            run.put("precisions", precisions.stream().map(Precision::toString).toList());
            CorpusBench bench = new CorpusBench(spark, variants, cores, batchSize, decodeMode, minSeconds, imageioSample, rounds,
                    CorpusScan.defaultSampleBytes(), log);
            List<CorpusResult> results = new ArrayList<>();
            for (Path dir : dirs) results.addAll(bench.run(dir, output.resolve("jobs").resolve(dir.getFileName().toString())));
            Soak.Result soak = soakImages > 0 ? Soak.run(spark, dirs.get(0), soakImages, output, log) : null;
            Sweep.Result swept = null;
            if (grid != null) {
                Map<Precision, String> jobModels = new java.util.EnumMap<>(Precision.class);
                for (CorpusBench.Variant v : all) jobModels.put(Precision.parse(v.precision()), v.jobModel());
                swept = new Sweep(this::sessionWithThreads, jobModels, log).run(grid, dirs.get(0), rounds,
                        output.resolve("jobs").resolve("sweep"));
                log.println("sweep: " + swept.recommendation());
            }
            if (coreHourPrice != null) run.put("core_hour_price", coreHourPrice);
            BenchReport.write(current, output, run, results, soak, swept);
            for (CorpusResult r : results) {
                log.println(r.label() + ": " + BenchReport.figures(r));
                log.println(r.label() + ": " + BenchReport.bottleneck(r, run).line());
            }
            BenchReport.precisionRatios(results).forEach((corpus, ratios) -> log.println(corpus + " int8 / fp32: " + ratios));
            log.println("wrote " + output.resolve("bench.json") + " and " + output.resolve("report.html"));
            return 0;
        } finally {
            if (ownSession || current != spark) current.stop();
        }
    }

    /**
     * The Spark application whose tasks take {@code threads} cores each ({@code spark.task.cpus},
     * which the job hands ONNX Runtime as intra-op threads): the current one, or a new one after the
     * current is stopped and this JVM's ONNX Runtime sessions closed (in local mode they belong to it).
     */
    private SparkSession sessionWithThreads(int threads) {
        if (threads == currentThreads) return current;
        current.stop();
        EngineRegistry.closeAll();
        current = SparkSessions.start("bench-sweep-threads-" + threads, master, Map.of("spark.task.cpus", String.valueOf(threads)));
        currentThreads = threads;
        return current;
    }

    /**
     * The models to measure: the default model, and its int8 form built once here (written to
     * {@code <output>/models/int8.onnx}, which the jobs then load like any model file).
     */
    private List<CorpusBench.Variant> variants(ModelBundle fp32, SparkSession spark, java.util.Collection<Precision> wanted)
            throws Exception {
        List<CorpusBench.Variant> variants = new ArrayList<>();
        for (Precision p : wanted) {
            if (p == Precision.FP32) {
                variants.add(new CorpusBench.Variant(p.toString(), fp32, "default"));
                continue;
            }
            Path source = calibration != null ? calibration : sources;
            ModelBundle int8 = Int8Models.prepare(fp32, Quantization.int8().withCalibration(source.toString()),
                    CalibrationFiles.of(source.toString(), spark.sparkContext().hadoopConfiguration(), ClassifierSettings.DEFAULT_MAX_IMAGE_BYTES),
                    ClassifierSettings.DEFAULTS, log);
            Path file = output.resolve("models").resolve("int8.onnx");
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, int8.bytes());
            variants.add(new CorpusBench.Variant(p.toString(), int8, file.toString()));
        }
        return variants;
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream log, String... args) {
        return new CommandLine(new BenchCommand(log)).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
