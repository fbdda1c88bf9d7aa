package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.ForkedProcess;
import org.sparkimage.testing.LocalCluster;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.S3Server;
import org.sparkimage.testing.TestJson;
import org.sparkimage.testing.TestSpark;

/**
 * The job on a real Spark standalone cluster ({@code scripts/cluster.sh}: master and two workers,
 * each worker with one 1-core executor JVM), submitted with {@code scripts/submit.sh} as a separate
 * driver JVM: two executors with one ONNX Runtime session each and the local run's predictions; an
 * executor JVM killed with SIGKILL mid-job; a driver JVM killed mid-run and the run resumed. The
 * two kill cases write their output to S3 (S3Proxy on 127.0.0.1, committed by the S3A magic
 * committer): after each, exactly one row per input file.
 */
class ClusterIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern PROGRESS = Pattern.compile("progress: (\\d+)/(\\d+) images");

    /** The bucket the kill cases write to. */
    private static final String OUT = "out";

    @TempDir
    static Path tmp;
    static LocalCluster cluster;
    static S3Server s3;

    @BeforeAll
    static void startCluster() throws Exception {
        Path dir = ForkedProcess.repoRoot().resolve("target/it-cluster");
        cluster = LocalCluster.start(dir, 2);
        s3 = S3Server.start(tmp.resolve("s3"));
        s3.bucket(OUT);
        // The test's own reads of the kill cases' tables go through S3A, as any reader's would.
        S3Server.s3aSettings(s3.port()).forEach(TestSpark.session().sparkContext().hadoopConfiguration()::set);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) cluster.close();
        S3Server.s3aSettings(0).keySet().forEach(TestSpark.session().sparkContext().hadoopConfiguration()::unset);
        if (s3 != null) s3.close();
    }

    @Test
    void twoExecutorJvmsWithOneSessionEachLabelLikeTheLocalRun() throws Exception {
        Path samples = ForkedProcess.repoRoot().resolve("samples");
        Path out = tmp.resolve("samples-cluster");
        try (ForkedProcess job = submit("samples", "--input", samples.toString(), "--output", out.toString(),
                "--partitions", "6", "--progress-seconds", "0")) {
            assertEquals(0, job.waitFor(JOB_TIMEOUT), job.output());
        }
        List<Row> stats = TestSpark.session().read().parquet(out.resolve("stats").toString()).collectAsList();
        assertEquals(2, stats.stream().map(r -> r.getString(r.fieldIndex("executor_id"))).distinct().count(), stats.toString());
        for (Row r : stats) assertEquals(1, r.getInt(r.fieldIndex("sessions_created")), r.toString());
        Map<String, Object> summary = summary(out);
        assertEquals(2, ((List<?>) summary.get("executors")).size());
        assertEquals(2.0, summary.get("sessions_created"));

        Path local = tmp.resolve("samples-local");
        ClassificationJob.run(TestSpark.session(), JobOptions.of(samples.toString(), local.toString()),
                new PrintStream(PrintStream.nullOutputStream()));
        Map<String, Row> clusterRows = byPath(out);
        Map<String, Row> localRows = byPath(local);
        assertEquals(7, clusterRows.size());
        assertEquals(localRows.keySet(), clusterRows.keySet());
        double worst = 0;
        for (Map.Entry<String, Row> e : localRows.entrySet()) {
            Row l = e.getValue();
            Row c = clusterRows.get(e.getKey());
            assertEquals("ok", c.getAs("status"), c.toString());
            assertEquals((Integer) l.getAs("label_index"), c.getAs("label_index"), e.getKey());
            float[] pl = ClassifyCommandTest.probabilities(l);
            float[] pc = ClassifyCommandTest.probabilities(c);
            for (int i = 0; i < pl.length; i++) worst = Math.max(worst, Math.abs(pl[i] - pc[i]));
        }
        System.out.printf("cluster vs local: max |p_cluster - p_local| = %.2e over %d files%n", worst, localRows.size());
        assertTrue(worst <= 1e-6, "cluster and local predictions differ by " + worst);
    }

    /**
     * The shaded job jar reads {@code s3a://} on the cluster with its own S3A (nothing added with
     * --jars or --packages), credentials given only as --conf: every photo labeled like the local
     * run, and the secret in neither the driver's output nor any executor log.
     */
    @Test
    void theJobJarReadsS3aWithItsOwnConnectorAndKeepsTheSecret() throws Exception {
        {
            s3.upload(ReferenceData.nsfwDir().resolve("images"), "cluster", "photos");
            Path out = tmp.resolve("s3-cluster");
            List<String> args = new ArrayList<>();
            S3Server.sparkSettings(s3.port()).forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
            args.addAll(List.of("--input", "s3a://cluster/photos", "--output", out.toString(), "--progress-seconds", "0"));
            String output;
            try (ForkedProcess job = submitPlain("s3a", args.toArray(String[]::new))) {
                assertEquals(0, job.waitFor(JOB_TIMEOUT), job.output());
                output = job.output();
            }
            Dataset<Row> rows = TestSpark.session().read().parquet(out.resolve("predictions").toString());
            assertEquals(referenceImageCount(), rows.count());
            assertEquals(referenceImageCount(), rows.filter("status = 'ok'").count());
            assertFalse(output.contains(S3Server.SECRET_KEY), "secret in the driver's output");
            for (String sub : List.of("logs", "work")) {
                if (!Files.isDirectory(cluster.dir().resolve(sub))) continue;
                try (Stream<Path> logs = Files.walk(cluster.dir().resolve(sub))) {
                    for (Path f : logs.filter(p -> Files.isRegularFile(p) && !p.toString().endsWith(".jar")).toList()) {
                        assertFalse(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains(S3Server.SECRET_KEY),
                                "secret in " + f);
                    }
                }
            }
        }
    }

    @Test
    void anExecutorKilledMidJobDoesNotLoseOrDuplicateRows() throws Exception {
        String out = "s3a://" + OUT + "/executor-killed";
        try (ForkedProcess job = submit("executor-killed", "--input", referenceImages(), "--output", out,
                "--partitions", "16", "--progress-seconds", "1")) {
            assertTrue(job.awaitLine(ClusterIT::partlyDone, JOB_TIMEOUT), "no progress:\n" + job.output());
            List<ProcessHandle> executors = cluster.executors();
            assertEquals(2, executors.size(), "executor JVMs: " + executors);
            ProcessHandle victim = executors.get(0);
            assertTrue(victim.destroyForcibly(), "could not kill executor " + victim.pid());
            victim.onExit().get();
            assertEquals(0, job.waitFor(JOB_TIMEOUT), job.output());
            assertTrue(job.output().contains("Lost executor"), job.output());
        }
        Dataset<Row> rows = TestSpark.session().read().parquet(out + "/predictions");
        long files = referenceImageCount();
        assertEquals(files, rows.count());
        assertEquals(files, rows.select("path").distinct().count());
    }

    @Test
    void aRunWhoseDriverIsKilledResumesWithoutRelabelingCommittedFiles() throws Exception {
        Path table = s3.bucket(OUT).resolve("resumed/predictions"); // the store's folder of it, watched for a commit
        String output = "s3a://" + OUT + "/resumed";
        try (ForkedProcess first = submit("interrupted", "--input", referenceImages(), "--output", output,
                "--commit-every", "10", "--progress-seconds", "1")) {
            assertTrue(first.await(() -> committedFiles(table) > 0, JOB_TIMEOUT), "no chunk committed:\n" + first.output());
            first.close(); // SIGKILL to the script and the driver JVM, mid-run
            first.handle().onExit().get();
        }
        awaitNoExecutors();
        Map<String, Row> before = byPath(output);
        long files = referenceImageCount();
        assertTrue(before.size() > 0 && before.size() < files, "rows after the interruption: " + before.size());

        try (ForkedProcess resumed = submit("resume", "--input", referenceImages(), "--output", output,
                "--commit-every", "10", "--progress-seconds", "0", "--resume")) {
            assertEquals(0, resumed.waitFor(JOB_TIMEOUT), resumed.output());
        }
        Dataset<Row> rows = TestSpark.session().read().parquet(output + "/predictions");
        assertEquals(files, rows.count());
        assertEquals(files, rows.select("path").distinct().count());
        Map<String, Row> after = byPath(output);
        before.forEach((path, row) -> assertEquals(row, after.get(path), "a committed row changed: " + path));
        assertTrue(s3Listing(output + "/predictions").stream().noneMatch(k -> k.contains("__magic")),
                "the interrupted chunk's pending data was not cleaned");
        Map<String, Object> summary = summary(s3.bucket(OUT).resolve("resumed"));
        assertEquals((double) before.size(), summary.get("kept_from_earlier_runs"));
        assertEquals((double) (files - before.size()), summary.get("labeled"));
        assertEquals((double) files, summary.get("images"));
    }

    /** {@link #submitPlain} with the settings that reach the S3 server (credentials as --conf). */
    private static ForkedProcess submit(String name, String... jobArgs) throws IOException {
        List<String> args = new ArrayList<>();
        S3Server.sparkSettings(s3.port()).forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
        args.addAll(List.of(jobArgs));
        return submitPlain(name, args.toArray(String[]::new));
    }

    /** Every key under {@code uri}, as S3 lists it (the store's folder on disk keeps empty folders of deleted objects). */
    private static List<String> s3Listing(String uri) throws IOException {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        S3Server.s3aSettings(s3.port()).forEach(conf::set);
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        List<String> keys = new ArrayList<>();
        try (org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.newInstance(p.toUri(), conf)) {
            org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(p, true);
            while (it.hasNext()) keys.add(it.next().getPath().toString());
        }
        return keys;
    }

    private static ForkedProcess submitPlain(String name, String... jobArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("scripts/submit.sh", "--master", cluster.masterUrl(),
                // wait for both executors before scheduling, so both get work
                "--conf", "spark.cores.max=2", "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.executor.memory=1g", "--conf", "spark.ui.enabled=false"));
        cmd.addAll(List.of(jobArgs));
        return ForkedProcess.start(tmp.resolve(name + ".log"), cmd);
    }

    private static boolean partlyDone(String line) {
        Matcher m = PROGRESS.matcher(line);
        return m.find() && Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(1)) < Long.parseLong(m.group(2));
    }

    /** Parquet files that a job commit moved into the table (not those under _temporary). */
    private static long committedFiles(Path table) {
        if (!Files.isDirectory(table)) return 0;
        try (Stream<Path> s = Files.list(table)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        } catch (IOException e) {
            return 0; // the committer is moving files right now
        }
    }

    /** The killed driver's executors are shut down by their workers; wait so that nothing writes any more. */
    private static void awaitNoExecutors() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!cluster.executors().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "executors of the killed driver still run: " + cluster.executors());
            Thread.sleep(500);
        }
    }

    private static String referenceImages() {
        return ReferenceData.nsfwDir().resolve("images").toString();
    }

    private static long referenceImageCount() throws IOException {
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            return s.count();
        }
    }

    private static Map<String, Row> byPath(Path out) {
        return byPath(out.toString());
    }

    /** The rows of {@code <out>/predictions} (a folder or a URI) by path. */
    private static Map<String, Row> byPath(String out) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(out + "/predictions").collectAsList()) {
            rows.put(r.getAs("path"), r);
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> summary(Path out) throws IOException {
        return (Map<String, Object>) TestJson.parse(Files.readString(out.resolve("summary.json")));
    }
}
