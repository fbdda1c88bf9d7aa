package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.model.DefaultModel;
import org.sparkimage.setup.ExecutorMemory;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.ForkedProcess;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestJson;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.testing.YarnCluster;
import org.sparkimage.util.Sha256;

/**
 * The shaded job jar on a real YARN cluster (MiniYARNCluster: a ResourceManager and a NodeManager
 * launching containers as processes) over a real HDFS, submitted with {@code scripts/submit.sh
 * --master yarn} given only {@code HADOOP_CONF_DIR}: client mode and cluster mode, input and
 * output on HDFS, each run one row per file with the local run's predictions; in cluster mode the
 * model and its card come with {@code --files} and are named by relative path, and the executor
 * containers are as large as the driver sized them; an executor's container killed mid-job; a
 * batch too large for the given memory overhead killed by the NodeManager's memory check (the job
 * fails naming spark.executor.memoryOverhead) and the job's own sizing of it; dynamic allocation
 * adding an executor and removing idle ones. Every container (application master and executors)
 * is checked for ONNX Runtime's telemetry switch.
 */
class YarnIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    /**
     * The bench's two YARN applications one after the other, each with its own rounds: about 4 min
     * while the standalone-cluster classes run in the other failsafe fork on the same two cores.
     */
    private static final Duration BENCH_TIMEOUT = Duration.ofMinutes(9);
    /** Images (and batch size) of the memory test: one batch whose activations need about 900 MiB. */
    private static final int SMALL_IMAGES = 64;

    @TempDir
    static Path tmp;
    static YarnCluster cluster;
    static long files;
    static Map<String, Row> local;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = YarnCluster.start(ForkedProcess.repoRoot().resolve("target/it-yarn"));
        Path images = ReferenceData.nsfwDir().resolve("images");
        try (Stream<Path> s = Files.list(images)) {
            files = s.count();
        }
        cluster.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(images.toUri()),
                new org.apache.hadoop.fs.Path(cluster.hdfsUri() + "/photos"));
        Path localOut = tmp.resolve("local");
        ClassificationJob.run(TestSpark.session(), JobOptions.of(images.toString(), localOut.toString()),
                new PrintStream(PrintStream.nullOutputStream()));
        local = byName(localOut.resolve("predictions").toString());
        writeSmallImages();
    }

    /** Writes {@link #SMALL_IMAGES} small JPEGs (quick to decode) to HDFS {@code /small}. */
    private static void writeSmallImages() throws IOException {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < SMALL_IMAGES; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(320, 240, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, (x * 255 / 320) << 16 | (y * 255 / 240) << 8 | random.nextInt(256));
            }
            try (var out = cluster.fs().create(new org.apache.hadoop.fs.Path(cluster.hdfsUri() + "/small/" + i + ".jpg"))) {
                javax.imageio.ImageIO.write(img, "jpg", out);
            }
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    @Test
    void clientModeReadsAndWritesHdfsWithTheDefaultModel() throws Exception {
        String out = cluster.hdfsUri() + "/labels-client";
        submit("client", 2, List.of("--deploy-mode", "client"), "--input", cluster.hdfsUri() + "/photos", "--output", out);
        assertLikeTheLocalRun(out);
        assertTwoExecutorsInTwoContainersDidTheWork(out);
        assertTelemetryOffInEveryContainer();
    }

    /** Each stats row names its YARN container; two executors, each in its own container, one session each. */
    private static void assertTwoExecutorsInTwoContainersDidTheWork(String out) {
        List<Row> stats = TestSpark.session().read().parquet(out + "/stats").collectAsList();
        Map<String, String> containerOf = new HashMap<>();
        for (Row r : stats) {
            String container = r.getAs("container_id");
            assertNotNull(container, "no container in " + r);
            assertTrue(container.startsWith("container_"), container);
            assertFalse(((String) r.getAs("host")).isEmpty(), r.toString());
            assertEquals(1, (int) r.getAs("sessions_created"), r.toString());
            String before = containerOf.putIfAbsent(r.getAs("executor_id"), container);
            assertTrue(before == null || before.equals(container), "one executor, two containers: " + stats);
        }
        assertEquals(2, containerOf.size(), "two executors, each in its own container, did the work: " + stats);
        assertEquals(2, containerOf.values().stream().distinct().count(), stats.toString());
    }

    @Test
    void clusterModeTakesTheModelAndCardShippedWithFilesByRelativePath() throws Exception {
        byte[] model = DefaultModel.bytes();
        Path modelFile = Files.write(tmp.resolve("shipped.onnx"), model);
        Path cardFile = Files.writeString(tmp.resolve("shipped.card.json"), DefaultModel.embeddedCard(model).toJson());
        String out = cluster.hdfsUri() + "/labels-cluster";
        // Input and output without a scheme: resolved on the cluster's default file system (HDFS).
        submit("cluster", 2, List.of("--deploy-mode", "cluster", "--files", modelFile + "," + cardFile),
                "--input", "/photos", "--output", "/labels-cluster",
                "--model", "shipped.onnx", "--model-card", "shipped.card.json");
        assertLikeTheLocalRun(out);
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) TestJson.parse(readHdfs(out + "/summary.json"));
        assertEquals(Sha256.hex(model), summary.get("model_sha256"), summary.toString());
        assertTwoExecutorsInTwoContainersDidTheWork(out);
        // The driver inside the application master sized the overhead before its SparkContext
        // started, and the AM's allocator asked YARN for containers of that size.
        long overhead = ExecutorMemory.ruleMiB(model.length, DefaultModel.embeddedCard(model),
                org.sparkimage.core.ClassifierSettings.DEFAULT_BATCH_SIZE, 1);
        assertEquals(overhead + "m", summary.get("executor_memory_overhead"), summary.toString());
        Path amLog = cluster.containerStderrs().stream()
                .filter(p -> p.toString().contains(((String) summary.get("run_id")).replace("application_", "container_") + "_01_000001"))
                .findFirst().orElseThrow();
        String requested = "Will request 2 executor container(s) for ResourceProfile Id: 0, each with 1 core(s) and "
                + (1024 + overhead) + " MB memory";
        assertTrue(Files.readString(amLog, StandardCharsets.ISO_8859_1).contains(requested), requested + " not in " + amLog);
        assertTelemetryOffInEveryContainer();
    }

    /**
     * An executor's container process killed with SIGKILL mid-job (as the NodeManager kills one over
     * its memory limit): YARN gives a new container, the lost tasks run again, and every file still
     * has exactly one row; the stats show the retried partitions (attempt above 0) and count every
     * file once.
     */
    @Test
    void anExecutorContainerKilledMidJobLosesAndDoublesNoRow() throws Exception {
        String out = cluster.hdfsUri() + "/labels-killed";
        List<String> cmd = command("--input", cluster.hdfsUri() + "/photos", "--output", out,
                "--partitions", "" + files, "--batch-size", "1", "--progress-seconds", "1");
        try (ForkedProcess job = ForkedProcess.start(tmp.resolve("killed.log"), cmd,
                environment(2, List.of("--deploy-mode", "client",
                        // progress lines (carried by heartbeats) early enough to kill mid-job
                        "--conf", "spark.executor.heartbeatInterval=1s")))) {
            assertTrue(job.awaitLine(YarnIT::partlyDone, JOB_TIMEOUT), "no progress:\n" + job.output() + containerLogs());
            // The executors are JVMs the NodeManager in this JVM started (each under a bash launch
            // script): descendants of this JVM.
            List<ProcessHandle> executors = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("/java")
                            && p.info().commandLine().orElse("").contains("YarnCoarseGrainedExecutorBackend")).toList();
            assertEquals(2, executors.size(), "executor processes: " + executors);
            for (ProcessHandle e : executors) System.out.println("YARN executor " + e.pid() + " mid-job: " + memory(e));
            ProcessHandle victim = executors.get(0);
            assertTrue(victim.destroyForcibly(), "could not kill executor " + victim.pid());
            victim.onExit().get();
            assertEquals(0, job.waitFor(JOB_TIMEOUT), job.output() + containerLogs());
        }
        assertLikeTheLocalRun(out);
        List<Row> stats = TestSpark.session().read().parquet(out + "/stats").collectAsList();
        assertTrue(stats.stream().anyMatch(r -> (int) r.getAs("attempt") > 0), "no retried partition in " + stats);
        assertEquals(files, stats.stream().map(r -> (int) r.getAs("partition")).distinct().count(), "one stats row per partition");
    }

    /**
     * Dynamic allocation with shuffle tracking (no external shuffle service): the job starts with
     * one executor and YARN adds a second one for the backlog; each executor, the added one
     * included, creates one ONNX Runtime session, and every file has one row. (Removal of idle
     * executors is not asserted.)
     */
    @Test
    void dynamicAllocationAddsAnExecutorThatCreatesItsOwnSession() throws Exception {
        String out = cluster.hdfsUri() + "/labels-dynamic";
        List<String> cmd = command("--input", cluster.hdfsUri() + "/photos", "--output", out,
                "--partitions", "" + files, "--batch-size", "1", "--progress-seconds", "0");
        Map<String, String> env = environment(1, List.of("--deploy-mode", "client",
                "--conf", "spark.dynamicAllocation.enabled=true",
                "--conf", "spark.dynamicAllocation.shuffleTracking.enabled=true",
                "--conf", "spark.dynamicAllocation.initialExecutors=1",
                "--conf", "spark.dynamicAllocation.minExecutors=0",
                "--conf", "spark.dynamicAllocation.maxExecutors=2",
                "--conf", "spark.dynamicAllocation.schedulerBacklogTimeout=1s",
                "--conf", "spark.dynamicAllocation.executorIdleTimeout=5s"));
        try (ForkedProcess job = ForkedProcess.start(tmp.resolve("dynamic.log"), cmd, env)) {
            assertEquals(0, job.waitFor(JOB_TIMEOUT), job.output() + containerLogs());
        }
        assertLikeTheLocalRun(out);
        List<Row> stats = TestSpark.session().read().parquet(out + "/stats").collectAsList();
        for (Row r : stats) assertEquals(1, (int) r.getAs("sessions_created"), r.toString());
        assertEquals(2, stats.stream().map(r -> (String) r.getAs("container_id")).distinct().count(),
                "the executor added for the backlog did no work: " + stats);
    }

    /**
     * A batch of 64 images on a 512 MiB executor with Spark's default overhead for it (384 MiB, set
     * explicitly): ONNX Runtime's activations alone take about 900 MiB, the NodeManager kills the
     * container for exceeding its physical memory, and the job fails at once (one task attempt)
     * with a message naming spark.executor.memoryOverhead, no stack trace; the driver warned
     * before starting. Then the same run with no overhead given: the job sizes it and every file
     * gets its row.
     */
    @Test
    void aBatchTooLargeForTheGivenOverheadFailsNamingItAndTheJobsOwnSizingSucceeds() throws Exception {
        String input = cluster.hdfsUri() + "/small";
        List<String> args = List.of("--input", input, "--partitions", "1", "--batch-size", "" + SMALL_IMAGES,
                "--progress-seconds", "0");
        List<String> failFast = List.of("--deploy-mode", "client",
                // one lost executor fails the job: no retries on new containers
                "--conf", "spark.task.maxFailures=1", "--conf", "spark.executor.maxNumFailures=1");

        List<String> tooSmall = new ArrayList<>(failFast);
        tooSmall.addAll(List.of("--conf", "spark.executor.memoryOverhead=384m"));
        List<String> cmd = command(args.toArray(String[]::new));
        cmd.addAll(List.of("--output", cluster.hdfsUri() + "/labels-too-small"));
        String failed;
        try (ForkedProcess job = ForkedProcess.start(tmp.resolve("too-small.log"), cmd, environment(1, "512m", tooSmall))) {
            int exit = job.waitFor(JOB_TIMEOUT);
            failed = job.output();
            assertEquals(1, exit, failed + containerLogs());
        }
        System.out.println("YARN too-small overhead run:\n" + failed.lines().filter(l -> l.startsWith("classify:")
                || l.startsWith("warning:")).collect(Collectors.joining("\n")));
        assertTrue(failed.contains("warning: spark.executor.memoryOverhead gives executors 384 MiB"), failed);
        String error = failed.substring(failed.indexOf("classify: the job failed: "));
        // YARN's own verdict, relayed by Spark's allocator from the container's exit status
        assertTrue(error.contains("Container killed by YARN for exceeding physical memory limits"), error);
        assertTrue(error.contains("classify: an executor's container was killed by YARN for using more memory than it"
                + " was given: raise spark.executor.memoryOverhead (this run: 384 MiB, as set;"), error);
        assertFalse(error.lines().anyMatch(l -> l.stripLeading().startsWith("at ")), "a stack trace:\n" + error);

        long rule = ExecutorMemory.ruleMiB(DefaultModel.bytes().length, DefaultModel.embeddedCard(DefaultModel.bytes()), SMALL_IMAGES, 1);
        cmd = command(args.toArray(String[]::new));
        String out = cluster.hdfsUri() + "/labels-sized";
        cmd.addAll(List.of("--output", out));
        try (ForkedProcess job = ForkedProcess.start(tmp.resolve("sized.log"), cmd, environment(1, "512m", failFast))) {
            assertEquals(0, job.waitFor(JOB_TIMEOUT), job.output() + containerLogs());
            String sized = job.output().lines().filter(l -> l.startsWith("executor memory:")).findFirst().orElse("");
            System.out.println("YARN sized overhead run: " + sized);
            assertTrue(sized.contains("spark.executor.memoryOverhead=" + rule + "m (sized by the job"), job.output());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) TestJson.parse(readHdfs(out + "/summary.json"));
        assertEquals(rule + "m", summary.get("executor_memory_overhead"), summary.toString());
        List<Row> rows = TestSpark.session().read().parquet(out + "/predictions").collectAsList();
        assertEquals(SMALL_IMAGES, rows.size(), "one row per file");
        assertEquals(SMALL_IMAGES, rows.stream().map(r -> (String) r.getAs("path")).distinct().count());
        for (Row r : rows) assertEquals("ok", r.getAs("status"), r.toString());
    }

    /**
     * Dynamic allocation removes idle executors while the application runs: two executors start and
     * the input is one partition, so at least one of them never gets a task; after the idle timeout
     * (1 s) the driver kills it and YARN's container is released. The driver's event log shows the
     * removal ("Executor killed by driver.") before the last job ended; every file still has its row.
     * (The driver's own work before the first job - listing, reading the model - can take longer than
     * 1 s: then both initial executors go and a new one is requested for the job, as seen here.)
     */
    @Test
    void dynamicAllocationRemovesAnIdleExecutorDuringTheJob() throws Exception {
        String out = cluster.hdfsUri() + "/labels-idle";
        Path events = Files.createDirectories(tmp.resolve("events"));
        List<String> cmd = command("--input", cluster.hdfsUri() + "/photos", "--output", out,
                "--partitions", "1", "--batch-size", "1", "--progress-seconds", "0");
        Map<String, String> env = environment(2, List.of("--deploy-mode", "client",
                "--conf", "spark.dynamicAllocation.enabled=true",
                "--conf", "spark.dynamicAllocation.shuffleTracking.enabled=true",
                "--conf", "spark.dynamicAllocation.initialExecutors=2",
                "--conf", "spark.dynamicAllocation.minExecutors=0",
                "--conf", "spark.dynamicAllocation.maxExecutors=2",
                "--conf", "spark.dynamicAllocation.executorIdleTimeout=1s",
                "--conf", "spark.eventLog.enabled=true",
                "--conf", "spark.eventLog.dir=" + events.toUri(),
                "--conf", "spark.eventLog.compress=false")); // Spark 4 compresses it by default
        try (ForkedProcess job = ForkedProcess.start(tmp.resolve("idle.log"), cmd, env)) {
            assertEquals(0, job.waitFor(JOB_TIMEOUT), job.output() + containerLogs());
        }
        assertLikeTheLocalRun(out);
        List<Row> stats = TestSpark.session().read().parquet(out + "/stats").collectAsList();
        assertEquals(1, stats.stream().map(r -> (String) r.getAs("executor_id")).distinct().count(), stats.toString());

        List<Map<String, Object>> log = eventLog(events);
        long lastJobEnd = log.stream().filter(e -> "SparkListenerJobEnd".equals(e.get("Event")))
                .mapToLong(e -> ((Number) e.get("Completion Time")).longValue()).max().orElseThrow();
        List<Map<String, Object>> removed = log.stream()
                .filter(e -> "SparkListenerExecutorRemoved".equals(e.get("Event"))
                        && ((Number) e.get("Timestamp")).longValue() < lastJobEnd).toList();
        System.out.println("YARN idle executor removed during the job: " + removed);
        assertFalse(removed.isEmpty(), "no executor removed before the last job ended: " + log.stream()
                .filter(e -> e.get("Event").toString().contains("Executor")).toList());
        // asked for by the driver (the allocation manager), not lost
        for (Map<String, Object> e : removed) assertEquals("Executor killed by driver.", e.get("Removed Reason"), e.toString());
    }

    /**
     * The events of the one application in the event log folder {@code dir} (one JSON object a
     * line; Spark 4 writes rolling logs: a folder per application with {@code events_N_...} files).
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> eventLog(Path dir) throws IOException {
        try (Stream<Path> apps = Files.list(dir)) {
            assertEquals(1, apps.count(), "one application's event log in " + dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("appstatus") // a marker
                            && !f.getFileName().toString().startsWith(".")) // the local file system's .crc files
                    .sorted().toList();
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) events.add((Map<String, Object>) TestJson.parse(line));
        }
        return events;
    }

    /** Peak and current resident memory of a process (Linux /proc), what the NodeManager's check compares to its limit. */
    private static String memory(ProcessHandle p) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmHWM") || l.startsWith("VmRSS")).map(l -> l.replaceAll("\\s+", " "))
                .collect(Collectors.joining(", "));
    }

    private static boolean partlyDone(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("progress: (\\d+)/(\\d+) images").matcher(line);
        return m.find() && Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(1)) < Long.parseLong(m.group(2));
    }

    /**
     * {@code scripts/bench.sh --master yarn --executors 1,2}: the scaling curve on YARN, each point
     * its own YARN application with {@code spark.executor.instances} = n, C and D measured inside
     * each executor's container, E through them, efficiency against the one-executor point, the
     * corpus and outputs named as {@code file:} URIs although the cluster's default file system is
     * HDFS. Each point costs a YARN application: one point took about 110 s alone, both 238 s
     * beside the other failsafe fork.
     */
    @Test
    void theBenchMeasuresEachExecutorOfAYarnApplication() throws Exception {
        Path corpus = org.sparkimage.bench.CorpusMaker.make(ForkedProcess.repoRoot().resolve("samples"),
                org.sparkimage.bench.CorpusMaker.Kind.IMAGENET, 8, tmp.resolve("imagenet-8"));
        Path out = tmp.resolve("bench");
        List<String> cmd = List.of("scripts/bench.sh", "--master", "yarn", "--corpus", corpus.toString(), "--output", out.toString(),
                "--executors", "1,2", "--rounds", "1", "--min-seconds", "0.2", "--imageio-sample", "2",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g", "--conf", "spark.yarn.maxAppAttempts=1");
        Map<String, String> env = Map.of("HADOOP_CONF_DIR", cluster.confDir().toString(), "SPARK_LOCAL_IP", "127.0.0.1",
                "DRIVER_MEMORY", "1g");
        try (ForkedProcess bench = ForkedProcess.start(tmp.resolve("bench.log"), cmd, env)) {
            assertEquals(0, bench.waitFor(BENCH_TIMEOUT), bench.output() + containerLogs());
        }
        Map<?, ?> json = (Map<?, ?>) org.sparkimage.testing.TestJson.parse(Files.readString(out.resolve("bench.json")));
        assertEquals("executors", json.get("ceilings_measured_on"));
        List<?> curve = (List<?>) ((Map<?, ?>) json.get("scaling")).get("imagenet-8");
        for (Object p : (List<?>) json.get("points")) {
            Map<?, ?> point = (Map<?, ?>) p;
            int n = ((Double) point.get("executors")).intValue();
            Map<?, ?> figures = (Map<?, ?>) ((Map<?, ?>) point.get("corpora")).get("imagenet-8");
            List<?> executors = (List<?>) figures.get("executors");
            assertEquals(n, executors.size(), "one entry per YARN executor: " + executors);
            double images = 0;
            for (Object e : executors) {
                Map<?, ?> x = (Map<?, ?>) e;
                assertTrue((Double) x.get("C") > 0 && (Double) x.get("D") > 0, x.toString());
                images += (Double) x.get("E_images");
            }
            assertEquals(8.0, images, "E's images, by the container that labelled them");
        }
        assertEquals(2, curve.size(), curve.toString());
        assertEquals(List.of(1.0, 2.0), curve.stream().map(p -> ((Map<?, ?>) p).get("executors")).toList());
        for (Object p : curve) {
            Map<?, ?> point = (Map<?, ?>) p;
            assertTrue((Double) point.get("E") > 0 && point.get("efficiency") instanceof Double, point.toString());
        }
        assertEquals(1.0, (Double) ((Map<?, ?>) curve.get(0)).get("efficiency"), 1e-9, "the one-executor point is the reference");
    }

    /** One row per file, none lost or doubled, each labeled as the local run labeled it; summary and stats written. */
    private static void assertLikeTheLocalRun(String out) throws IOException {
        assertEquals(files, TestSpark.session().read().parquet(out + "/predictions").count(), "one row per file");
        Map<String, Row> rows = byName(out + "/predictions");
        assertEquals(local.keySet(), rows.keySet());
        double worst = 0;
        for (Map.Entry<String, Row> e : local.entrySet()) {
            Row l = e.getValue();
            Row y = rows.get(e.getKey());
            assertTrue(((String) y.getAs("path")).startsWith("hdfs://"), y.toString());
            assertEquals((Object) l.getAs("status"), y.getAs("status"), e.getKey());
            assertEquals((Integer) l.getAs("label_index"), y.getAs("label_index"), e.getKey());
            float[] pl = ClassifyCommandTest.probabilities(l);
            float[] py = ClassifyCommandTest.probabilities(y);
            for (int i = 0; i < pl.length; i++) worst = Math.max(worst, Math.abs(pl[i] - py[i]));
        }
        assertTrue(worst <= 1e-6, "YARN and local predictions differ by " + worst);
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) TestJson.parse(readHdfs(out + "/summary.json"));
        assertEquals((double) files, summary.get("images"), summary.toString());
        assertEquals((long) files, TestSpark.session().read().parquet(out + "/stats")
                .selectExpr("sum(images)").first().getLong(0), "stats count every file once");
    }

    /** The NodeManager's launch scripts: the application master's and every executor's environment. */
    private static void assertTelemetryOffInEveryContainer() throws IOException {
        List<Path> scripts = cluster.launchScripts();
        assertTrue(scripts.size() >= 2, "an application master and an executor at least: " + scripts);
        for (Path script : scripts) {
            assertTrue(Files.readString(script).contains("export ORT_DISABLE_TELEMETRY=\"1\""),
                    "telemetry switch missing in " + script);
        }
    }

    /** Submits with {@code scripts/submit.sh --master yarn}, {@code executors} 1-core executors, and expects exit 0. */
    private static void submit(String name, int executors, List<String> submitOptions, String... jobArgs) throws Exception {
        List<String> cmd = command(jobArgs);
        cmd.addAll(List.of("--partitions", "4", "--progress-seconds", "0"));
        try (ForkedProcess job = ForkedProcess.start(tmp.resolve(name + ".log"), cmd, environment(executors, submitOptions))) {
            int exit;
            try {
                exit = job.waitFor(JOB_TIMEOUT);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + containerLogs(), e);
            }
            assertEquals(0, exit, job.output() + containerLogs());
        }
    }

    private static List<String> command(String... jobArgs) {
        List<String> cmd = new ArrayList<>(List.of("scripts/submit.sh", "--master", "yarn"));
        cmd.addAll(List.of(jobArgs));
        return cmd;
    }

    /** HADOOP_CONF_DIR, and spark-submit's options in SUBMIT_OPTS. */
    private static Map<String, String> environment(int executors, List<String> submitOptions) throws IOException {
        return environment(executors, "1g", submitOptions);
    }

    /** {@link #environment(int, List)} with executors of {@code executorMemory} heap. */
    private static Map<String, String> environment(int executors, String executorMemory, List<String> submitOptions)
            throws IOException {
        List<String> opts = new ArrayList<>(submitOptions);
        opts.addAll(List.of("--num-executors", "" + executors, "--executor-cores", "1", "--executor-memory", executorMemory,
                "--driver-memory", "1g",
                // Spark's jars are on this one box already: no 330 MB upload per submit (see submit.sh).
                "--conf", "spark.yarn.jars=" + localSparkJars(),
                // wait for every executor before scheduling, so each gets work
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s",
                "--conf", "spark.ui.enabled=false",
                // a failed attempt fails the test at once (a second attempt would hide it)
                "--conf", "spark.yarn.maxAppAttempts=1"));
        return Map.of("HADOOP_CONF_DIR", cluster.confDir().toString(),
                "SUBMIT_OPTS", String.join(" ", opts), "SPARK_LOCAL_IP", "127.0.0.1");
    }

    private static String localSparkJars() throws IOException {
        String cp = Files.readString(ForkedProcess.repoRoot().resolve("target/spark-classpath.txt")).trim();
        return Stream.of(cp.split(":")).map(j -> "local:" + j).collect(Collectors.joining(","));
    }

    /** The containers' stderr, for a failure message. */
    private static String containerLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path p : cluster.containerStderrs()) {
            String text = Files.readString(p, StandardCharsets.ISO_8859_1);
            b.append("\n===== ").append(p).append('\n').append(text, Math.max(0, text.length() - 4000), text.length());
        }
        return b.toString();
    }

    private static String readHdfs(String file) throws IOException {
        try (InputStream in = cluster.fs().open(new org.apache.hadoop.fs.Path(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Rows by file name (the local run's paths and HDFS paths differ only before it). */
    private static Map<String, Row> byName(String table) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(table).collectAsList()) {
            String path = r.getAs("path");
            assertTrue(rows.put(path.substring(path.lastIndexOf('/') + 1), r) == null, "two rows for " + path);
        }
        return rows;
    }
}
