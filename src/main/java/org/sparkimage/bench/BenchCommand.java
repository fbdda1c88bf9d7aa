package org.sparkimage.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The benchmark job ({@code scripts/bench.sh}): per corpus the inference ceiling C, the
 * decode+preprocess ceiling D (and javax.imageio's for comparison) and the Spark job's end-to-end
 * throughput E, all in one run; optionally a long soak run for memory. Without {@code --corpus} it
 * makes two corpora from the reference photographs: ImageNet-sized and camera-sized JPEGs
 * ({@link CorpusMaker}). With a local master C and D are measured in this JVM; with a cluster
 * master on the executors ({@link ExecutorCeilings}), once per point of the scaling curve
 * ({@code --executors}, one application each: {@link FixedExecutors}), the project's classes
 * shipped to them in the job jar ({@link JobJar}).
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

    @Option(names = "--executors", split = ",", paramLabel = "N[,N...]",
            description = "Cluster masters: the scaling curve's executor counts, one application each. Default: 1.")
    List<Integer> executors = new ArrayList<>();

    @Option(names = "--executor-cores", defaultValue = "1", description = "Cluster masters: cores of each executor. Default: ${DEFAULT-VALUE}.")
    int executorCores;

    @Option(names = "--executor-wait", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long each point waits for its executors before the run gives up (exit 2). Default: ${DEFAULT-VALUE}.")
    double executorWait;

    @Option(names = "--ceilings-on", paramLabel = "driver|executors",
            description = "Where C and D are measured. Default: the driver for local masters, the executors otherwise.")
    String ceilingsOn;

    @Option(names = "--job-jar", paramLabel = "<jar>",
            description = "Cluster masters: the jar shipped to executors (spark.jars). Default: the -job.jar beside the running classes.")
    Path jobJar;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting of every application (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

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
            description = "Also measure E on the first corpus at every combination of batch=, threads= (per task),"
                    + " tasks= (per executor at once; default: its cores / threads), precision= and decode= values, interleaved"
                    + " in --rounds rounds, and recommend one. E.g. --sweep batch=8,16,32 threads=1,2 tasks=1,2. One application"
                    + " per threads/tasks pair: on a cluster master with the largest --executors point's executors, of"
                    + " threads x tasks cores (at most --executor-cores); locally local[threads x tasks]. Arguments can come"
                    + " from a file: @sweep.txt.")
    List<String> sweep;

    @Option(names = "--core-hour-price", paramLabel = "P",
            description = "Price of one core-hour: the report gives each corpus's cost per million images at E.")
    Double coreHourPrice;

    @Option(names = "--scale", split = ",", paramLabel = "N[,N...]",
            description = "Local masters: measure only how the job's cost grows with the number of files, on tiny JPEGs (hard"
                    + " links): a full run, a --resume with nothing to do and one after 1 % more files, per size. Writes scale.json.")
    List<Integer> scale;

    private final PrintStream log;
    /** The settings sweep, or null. */
    private SweepGrid grid;
    /** The local run's application, which the sweep replaces when it needs another shape. */
    private SparkSession current;
    /** The sweep application's shape now running, or null while the run's own is. */
    private SweepGrid.App currentApp;
    /** A local master's cores. */
    private int localCores;
    private BenchPlan plan;

    BenchCommand(PrintStream log) {
        this.log = log;
    }

    @Spec
    CommandSpec spec;

    /** The models measured, built in the first session (int8 calibration reads through its Hadoop settings). */
    private List<CorpusBench.Variant> variants;
    /** Those and the sweep's other precisions. */
    private List<CorpusBench.Variant> allVariants;

    @Override
    public Integer call() throws Exception {
        try {
            plan = BenchPlan.resolve(master, ceilingsOn, executors, executorCores, executorWait, jobJar, soakImages, conf);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            grid = sweep == null ? null : SweepGrid.parse(sweep,
                    new SweepGrid.Setting(batchSize, 1, SweepGrid.FILL, precisions.get(0), decodeMode));
            if (grid != null && !plan.local()) {
                // The executors asked for are the envelope a cluster sweep explores; bigger ones are asked by --executor-cores.
                refuseWider(grid.settings(), plan.executorCores(), "--executor-cores is " + plan.executorCores());
                grid = grid.fill(plan.executorCores());
            }
            if (coreHourPrice != null && !(coreHourPrice > 0)) throw new IllegalArgumentException("--core-hour-price must be > 0");
        } catch (IllegalArgumentException e) {
            log.println("bench: " + e.getMessage());
            return 2;
        }
        if (scale != null) return scaleCurve();
        List<Path> dirs = new ArrayList<>(corpora);
        if (dirs.isEmpty()) {
            log.println("making corpora from " + sources + " (kept in " + cache + ")...");
            dirs.add(CorpusMaker.make(sources, CorpusMaker.Kind.IMAGENET, imagenetImages, cache.resolve("imagenet-" + imagenetImages)));
            dirs.add(CorpusMaker.make(sources, CorpusMaker.Kind.CAMERA, cameraImages, cameraUnique,
                    cache.resolve("camera-" + cameraImages + "-of-" + cameraUnique)));
        }
        ModelBundle model = ModelBundle.resolve("default", null);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("master", master);
        run.put("ceilings_measured_on", plan.ceilingsOn());
        run.put("batch_size", batchSize);
        run.put("decode", decodeMode.toString());
        run.put("model", model.card().name() + " (" + model.sha256().substring(0, 12) + ")");
        run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        run.put("available_processors", Runtime.getRuntime().availableProcessors());
        run.put("started", java.time.Instant.now().toString());
        run.put("precisions", precisions.stream().map(Precision::toString).toList());
        if (coreHourPrice != null) run.put("core_hour_price", coreHourPrice);
        return plan.local() ? runLocal(plan, dirs, model, run) : runOnCluster(plan, dirs, model, run);
    }

    /** {@code --scale}: the scale curve alone, in a local session; {@code scale.json} and a table. */
    private int scaleCurve() throws Exception {
        if (!plan.local()) {
            log.println("bench: --scale runs on local masters only, not on " + master);
            return 2;
        }
        if (scale.isEmpty() || scale.stream().anyMatch(n -> n == null || n < 1)) {
            log.println("bench: --scale needs file counts >= 1, got " + scale);
            return 2;
        }
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSessions.start("bench-scale", master, plan.conf());
        try {
            List<Map<String, Object>> points = ScaleCurve.run(spark, scale, sources, cache, output.resolve("jobs"), log);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("master", master);
            doc.put("cores", spark.sparkContext().defaultParallelism());
            doc.put("started", java.time.Instant.now().toString());
            doc.put("points", points);
            Files.createDirectories(output);
            Files.writeString(output.resolve("scale.json"), org.sparkimage.util.JsonFiles.writePretty(doc));
            log.printf("%10s %10s %10s %14s %10s %10s %12s %12s %14s%n", "files", "seconds", "images/s", "ms/1000 files",
                    "listing s", "finish s", "rss peak MB", "pred. files", "resume no-op s");
            for (Map<String, Object> p : points) {
                log.printf("%10s %10s %10s %14s %10s %10s %12s %12s %14s%n", p.get("files"), p.get("seconds"), p.get("images_per_sec"),
                        p.get("ms_per_1000_files"), p.get("listing_seconds"), p.get("finish_seconds"), p.get("rss_peak_mb"),
                        p.get("prediction_files"), p.get("resume_nothing_to_do_seconds"));
            }
            return 0;
        } finally {
            if (ownSession) spark.stop();
        }
    }

    /** A local master's run: one session whose JVM is driver and executor. */
    private int runLocal(BenchPlan plan, List<Path> dirs, ModelBundle model, Map<String, Object> run) throws Exception {
        // A session that already runs (a test) is used and left running.
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSessions.start("bench", master, plan.conf());
        current = spark;
        try {
            int cores = spark.sparkContext().defaultParallelism();
            if (grid != null) {
                try {
                    // local[N] is itself the declaration of cores: tasks= may ask for more than N (local[tasks x threads]).
                    refuseWider(grid.settings().stream().filter(st -> st.tasks() == SweepGrid.FILL).toList(), cores,
                            "the master gives " + cores);
                } catch (IllegalArgumentException e) {
                    log.println("bench: " + e.getMessage());
                    return 2;
                }
                grid = grid.fill(cores);
            }
            localCores = cores;
            run.put("cores", cores);
            CeilingSite.Factory sites = sites(plan, spark, model, 1, Math.max(1, cores / taskCpus(spark)), cores);
            List<CorpusResult> results = measure(spark, model, sites, dirs, output.resolve("jobs"));
            Soak.Result soak = soakImages > 0 ? Soak.run(spark, dirs.get(0), soakImages, output, log) : null;
            Sweep.Result swept = grid == null ? null : sweep(dirs.get(0));
            ScalingCurve curve = new ScalingCurve(List.of(new ScalingCurve.Point(null, cores, results)));
            BenchReport.write(current, output, run, curve, soak, swept);
            logSummary(results, cores);
            return 0;
        } finally {
            if (ownSession || current != spark) current.stop();
        }
    }

    /**
     * Refuses settings whose executors would need more than {@code cores} cores: a setting's threads,
     * times its tasks where named.
     */
    private static void refuseWider(List<SweepGrid.Setting> settings, int cores, String why) {
        for (SweepGrid.Setting st : settings) {
            boolean filled = st.tasks() == SweepGrid.FILL;
            int wanted = filled ? st.threads() : st.threads() * st.tasks();
            if (wanted > cores) {
                throw new IllegalArgumentException("--sweep threads=" + st.threads() + (filled ? "" : " tasks=" + st.tasks())
                        + " needs executors of at least " + wanted + " cores; " + why);
            }
        }
    }

    /** The settings sweep on {@code corpus}, each precision's model the one the corpora were measured with. */
    private Sweep.Result sweep(Path corpus) throws Exception {
        return sweep(corpus, this::localSweepSession);
    }

    /** The same, in the applications {@code sessions} gives for each shape. */
    private Sweep.Result sweep(Path corpus, java.util.function.Function<SweepGrid.App, SparkSession> sessions) throws Exception {
        Map<Precision, String> jobModels = new java.util.EnumMap<>(Precision.class);
        for (CorpusBench.Variant v : allVariants) jobModels.put(Precision.parse(v.precision()), v.jobModel());
        Sweep.Result swept = new Sweep(sessions, jobModels, log).run(grid, corpus, rounds,
                output.resolve("jobs").resolve("sweep"));
        log.println("sweep: " + swept.recommendation());
        return swept;
    }

    /**
     * The local application of {@code app}'s shape: tasks take {@code threads} cores each
     * ({@code spark.task.cpus}, which the job hands ONNX Runtime as intra-op threads), and the master
     * runs tasks x threads cores (the run's own master when that is its count). The current one, or
     * a new one after the current is stopped and this JVM's ONNX Runtime sessions closed (in local
     * mode they belong to it).
     */
    private SparkSession localSweepSession(SweepGrid.App app) {
        if (app.equals(currentApp)) return current;
        if (currentApp == null && app.threads() == taskCpus(current) && app.cores() == localCores) {
            currentApp = app; // the run's own application has this shape
            return current;
        }
        current.stop();
        EngineRegistry.closeAll();
        Map<String, String> conf = new LinkedHashMap<>(plan.conf());
        conf.put("spark.task.cpus", String.valueOf(app.threads()));
        String sweepMaster = app.cores() == localCores ? master : "local[" + app.cores() + "]";
        current = SparkSessions.start("bench-sweep-threads-" + app.threads() + "-tasks-" + app.tasks(), sweepMaster, conf);
        currentApp = app;
        return current;
    }

    /**
     * One application per point of the scaling curve, each with its own executors, ceilings and
     * jobs; the report only once every point is measured (a run cut short writes none).
     */
    private int runOnCluster(BenchPlan plan, List<Path> dirs, ModelBundle model, Map<String, Object> run) throws Exception {
        run.put("executor_cores", plan.executorCores());
        run.put("executors", plan.executors());
        run.put("job_jar", plan.jobJar().toString());
        List<ScalingCurve.Point> points = new ArrayList<>();
        FixedExecutors app = null;
        ClusterSweepApps sweepApps = new ClusterSweepApps(master, plan, java.util.Collections.max(plan.executors()), log);
        try {
            for (int n : plan.measuringOrder()) {
                if (app != null) app.close();
                app = FixedExecutors.start(master, n, plan.executorCores(), plan.jobJar(), plan.conf(), plan.executorWait(), log);
                CeilingSite.Factory sites = sites(plan, app.spark(), model, n, app.slotsEach(), Runtime.getRuntime().availableProcessors());
                List<CorpusResult> results = measure(app.spark(), model, sites, dirs,
                        output.resolve("jobs").resolve(n + "-executors"));
                points.add(new ScalingCurve.Point(n, plan.executorCores(), results));
            }
            ScalingCurve curve = new ScalingCurve(points);
            Sweep.Result swept = null;
            SparkSession last = app.spark();
            if (grid != null) {
                app.close(); // its cores go to the sweep's applications
                app = null;
                swept = sweep(dirs.get(0), sweepApps);
                last = sweepApps.current();
            }
            BenchReport.write(last, output, run, curve, null, swept);
            logSummary(curve.largest().results(), curve.largest().cores());
            curve.rows().forEach((label, rows) -> rows.forEach(r -> log.printf(java.util.Locale.ROOT,
                    "%s with %d executor(s): E %.1f images/s (rounds %s), %.1f per core, efficiency %.2f%n", label, r.executors(),
                    r.e(), java.util.Arrays.toString(r.eRounds()), r.perCore(), r.efficiency())));
            return 0;
        } catch (FixedExecutors.Shortage | ClusterSweepApps.Refused e) {
            log.println("bench: " + e.getMessage());
            return 2;
        } finally {
            if (app != null) app.close();
            sweepApps.close();
        }
    }

    /** Every corpus, every variant, in {@code spark}, the ceilings measured by {@code sites}. */
    private List<CorpusResult> measure(SparkSession spark, ModelBundle model, CeilingSite.Factory sites, List<Path> dirs, Path jobs)
            throws Exception {
        if (allVariants == null) {
            java.util.Set<Precision> wanted = new java.util.LinkedHashSet<>(precisions);
            if (grid != null) grid.settings().forEach(st -> wanted.add(st.precision()));
            allVariants = variants(model, spark, wanted);
            variants = allVariants.stream().filter(v -> precisions.contains(Precision.parse(v.precision()))).toList();
        }
        CorpusBench bench = new CorpusBench(spark, variants, sites, batchSize, decodeMode, imageioSample, rounds,
                sites.sampleBytes(), log);
        List<CorpusResult> results = new ArrayList<>();
        for (Path dir : dirs) results.addAll(bench.run(dir, jobs.resolve(dir.getFileName().toString())));
        return results;
    }

    private void logSummary(List<CorpusResult> results, int cores) {
        for (CorpusResult r : results) {
            log.println(r.label() + ": " + BenchReport.figures(r));
            log.println(r.label() + ": " + BenchReport.bottleneck(r, cores).line());
        }
        BenchReport.precisionRatios(results).forEach((corpus, ratios) -> log.println(corpus + " int8 / fp32: " + ratios));
        log.println("wrote " + output.resolve("bench.json") + " and " + output.resolve("report.html"));
    }

    /**
     * Where this run measures C and D in {@code spark}'s application.
     *
     * @param executors   its executors
     * @param slotsEach   task slots of each
     * @param driverCores threads of a measurement in the driver
     */
    private CeilingSite.Factory sites(BenchPlan plan, SparkSession spark, ModelBundle model, int executors, int slotsEach,
                                      int driverCores) {
        if (plan.ceilingsOn().equals(CeilingSite.DRIVER)) {
            return DriverCeilings.factory(driverCores, DecodePath.of(model.card(), decodeMode), batchSize, minSeconds);
        }
        return ExecutorCeilings.factory(JavaSparkContext.fromSparkContext(spark.sparkContext()), model, executors, slotsEach, decodeMode,
                batchSize, minSeconds);
    }

    private static int taskCpus(SparkSession spark) {
        return Math.max(1, spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
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
            variants.add(new CorpusBench.Variant(p.toString(), int8, CorpusBench.uri(file)));
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
