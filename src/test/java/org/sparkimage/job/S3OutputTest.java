package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.HttpFaultProxy;
import org.sparkimage.testing.S3Server;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.util.JsonFiles;

/**
 * The job writing its output to a real S3 server (S3Proxy on 127.0.0.1, through the fault proxy
 * that counts requests and bytes): the S3A magic committer commits without renames; a resume
 * swaps stale rows out without renaming folders, and finishes a swap that failed half-way; a 503
 * storm during the commit is retried, and one that outlasts the retries is resumed; outputs that
 * cannot be written are refused before any work. After every case the table has exactly one row
 * per input file. (Killed executors and drivers with an S3 output: ClusterIT.)
 */
class S3OutputTest {
    private static final String BUCKET = "out";

    @TempDir
    static Path tmp;
    static S3Server s3;
    static HttpFaultProxy proxy;
    static Path images;

    @BeforeAll
    static void start() throws Exception {
        images = Files.createDirectories(tmp.resolve("images"));
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            for (Path p : s.toList()) Files.copy(p, images.resolve(p.getFileName()));
        }
        Files.writeString(images.resolve("not-an-image.jpg"), "hello");
        s3 = S3Server.start(tmp.resolve("s3"));
        s3.bucket(BUCKET);
        proxy = HttpFaultProxy.start(s3.port());
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        S3Server.s3aSettings(proxy.port()).forEach(hadoop::set);
        hadoop.set("fs.s3a.bucket.locked.secret.key", "not-the-secret");
    }

    @AfterAll
    static void stop() throws Exception {
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        S3Server.s3aSettings(0).keySet().forEach(hadoop::unset);
        hadoop.unset("fs.s3a.bucket.locked.secret.key");
        if (proxy != null) proxy.close();
        if (s3 != null) s3.close();
    }

    /**
     * Predictions, stats and summary.json in the bucket, labeled like a local run; the commit is
     * the magic committer's (its JSON _SUCCESS), never a rename under _temporary, and every data byte
     * is uploaded once. The requests and bytes of the run are printed (docs/cluster.md).
     */
    @Test
    void theMagicCommitterWritesEachDataByteOnceAndNothingIsRenamed() throws Exception {
        proxy.resetCounts();
        JobSummary s = ClassificationJob.run(TestSpark.session(), JobOptions.of(images.toString(), "s3a://" + BUCKET + "/run"), quiet());
        long uploaded = proxy.uploadedBytes();
        long parts = proxy.uploadedBytes(r -> r.startsWith("PUT ") && r.contains("partNumber="));
        List<String> requests = proxy.requests();
        Map<String, Long> byMethod = new TreeMap<>();
        for (String r : requests) byMethod.merge(r.substring(0, r.indexOf(' ')), 1L, Long::sum);

        long files = fileCount();
        assertEquals(files, s.counts().images());
        Map<String, Row> rows = byName(stored("run"));
        assertEquals(files, rows.size(), "one row per file");
        Map<String, Row> local = byName(localRun("run-local"));
        for (Map.Entry<String, Row> e : local.entrySet()) {
            Row r = rows.get(e.getKey());
            assertEquals(e.getValue().<String>getAs("status"), r.getAs("status"), e.getKey());
            assertEquals(e.getValue().<String>getAs("label"), r.getAs("label"), e.getKey());
            assertEquals(e.getValue().<Float>getAs("probability"), r.<Float>getAs("probability"), e.getKey());
        }
        Path run = s3.bucket(BUCKET).resolve("run");
        assertTrue(Files.isRegularFile(run.resolve("summary.json")));
        assertEquals(files, TestSpark.session().read().parquet(run.resolve("stats").toString())
                .agg(org.apache.spark.sql.functions.sum("images")).first().getLong(0));
        assertEquals("magic", JsonFiles.parse(Files.readString(run.resolve("predictions/_SUCCESS"))).path("committer").asText(),
                "the S3A magic committer committed the predictions");
        assertFalse(requests.stream().anyMatch(r -> r.startsWith("PUT ") && r.contains("/_temporary/")), "a rename-based commit");

        long dataBytes = 0;
        for (String table : new String[] {"predictions", "stats"}) {
            try (Stream<Path> f = Files.list(run.resolve(table))) {
                for (Path p : f.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) dataBytes += Files.size(p);
            }
        }
        System.out.printf("s3a output, %d files: %d requests %s, %d bytes uploaded: %d of data files, %d of commit metadata"
                + " (markers, .pending, .pendingset, _SUCCESS) and summary.json%n", files, requests.size(), byMethod, uploaded,
                parts, uploaded - parts);
        assertEquals(dataBytes, parts, "every byte of the data files uploaded once, as multipart parts");
    }

    /**
     * More partitions than files: some tasks write nothing. The magic committer lists a task's
     * attempt folder at task commit, and a task that wrote no file never created it (Hadoop 3.5:
     * FileNotFoundException, four attempts, the job aborted, seen in ClusterIT); the job's sessions
     * track the commits in memory instead, so the empty tasks commit nothing and the run succeeds.
     */
    @Test
    void tasksThatWriteNothingCommit() throws Exception {
        String key = "fs.s3a.committer.magic.track.commits.in.memory.enabled";
        assertEquals("true", TestSpark.session().sparkContext().hadoopConfiguration().get(key), "the product's session default");
        ClassificationJob.run(TestSpark.session(), JobOptions.of(images.toString(), "s3a://" + BUCKET + "/sparse")
                .withPartitions((int) fileCount() * 3), quiet());
        assertOneRowPerFile(images, "sparse");
    }

    /**
     * A resume on the bucket with a replaced and an added file: the stale row is swapped out file by
     * file (no folder renamed: nothing under predictions.replaced). Then a swap that fails half-way
     * (the store refuses every DELETE of the old files) leaves its marker; the next resume finishes
     * it. Each time: one row per file.
     */
    @Test
    void aResumeSwapsStaleRowsOutFileByFileAndFinishesASwapThatFailed() throws Exception {
        Path in = copyOf("resume-in");
        String out = "s3a://" + BUCKET + "/resume";
        ClassificationJob.run(TestSpark.session(), JobOptions.of(in.toString(), out), quiet());

        touch(in.resolve("coins.png"), "samples/camera.png");
        Files.copy(Path.of("samples/rocket.jpg"), in.resolve("added.jpg"));
        proxy.resetCounts();
        JobSummary resumed = ClassificationJob.run(TestSpark.session(), JobOptions.of(in.toString(), out).resuming(100), quiet());
        assertEquals(1, resumed.resume().staleDropped());
        assertEquals(2, resumed.counts().labeled());
        assertOneRowPerFile(in, "resume");
        assertEquals(512, byName(stored("resume")).get("coins.png").<Integer>getAs("width"), "the replaced file's new row");
        assertFalse(proxy.requests().stream().anyMatch(r -> r.startsWith("PUT ") && r.contains("predictions.replaced")),
                "the table folder was renamed aside");
        assertLeftovers("resume");

        // The old files' DELETEs refused for as long as the run lasts: the swap stops after its marker.
        touch(in.resolve("chelsea.png"), "samples/astronaut.png");
        proxy.inject(r -> r.startsWith("DELETE /" + BUCKET + "/resume/predictions/part-"), HttpFaultProxy.Fault.SLOW_DOWN, 1_000_000);
        try {
            assertThrows(Exception.class, () -> ClassificationJob.run(TestSpark.session(), JobOptions.of(in.toString(), out).resuming(100), quiet()));
        } finally {
            proxy.clearFaults();
        }
        assertTrue(Files.exists(s3.bucket(BUCKET).resolve("resume/predictions.swap")), "the failed swap left its marker");
        JobSummary finished = ClassificationJob.run(TestSpark.session(), JobOptions.of(in.toString(), out).resuming(100), quiet());
        assertEquals(0, finished.resume().staleDropped(), "the swap was finished by recovery, not redone");
        assertOneRowPerFile(in, "resume");
        assertEquals(512, byName(stored("resume")).get("chelsea.png").<Integer>getAs("width"), "astronaut.png is 512x512");
        assertLeftovers("resume");
    }

    /**
     * 503 SlowDown on the commit's CompleteMultipartUpload requests: a few are retried and the run
     * succeeds; a storm that outlasts S3A's retries fails the run, and --resume completes it. Each
     * time: one row per file.
     */
    @Test
    void a503StormDuringTheCommitIsRetriedOrResumed() throws Exception {
        String out = "s3a://" + BUCKET + "/storm";
        proxy.inject(r -> r.startsWith("POST /" + BUCKET + "/storm/predictions/part-") && r.contains("uploadId="),
                HttpFaultProxy.Fault.SLOW_DOWN, 2);
        proxy.resetCounts();
        ClassificationJob.run(TestSpark.session(), JobOptions.of(images.toString(), out), quiet());
        proxy.clearFaults();
        long dataFiles;
        try (Stream<Path> f = Files.list(s3.bucket(BUCKET).resolve("storm/predictions"))) {
            dataFiles = f.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        }
        long completions = proxy.requests().stream()
                .filter(r -> r.startsWith("POST /" + BUCKET + "/storm/predictions/part-") && r.contains("uploadId=")).count();
        assertEquals(dataFiles + 2, completions, "each file's completion once, and the two refused ones again");
        assertOneRowPerFile(images, "storm");

        String out2 = out + "2";
        proxy.inject(r -> r.startsWith("POST /" + BUCKET + "/storm2/predictions/part-") && r.contains("uploadId="),
                HttpFaultProxy.Fault.SLOW_DOWN, 1_000_000);
        try {
            assertThrows(Exception.class, () -> ClassificationJob.run(TestSpark.session(), JobOptions.of(images.toString(), out2), quiet()));
        } finally {
            proxy.clearFaults();
        }
        ClassificationJob.run(TestSpark.session(), JobOptions.of(images.toString(), out2).resuming(100), quiet());
        assertOneRowPerFile(images, "storm2");
        assertLeftovers("storm2");
    }

    /**
     * A bucket that does not exist and a bucket whose credentials the store refuses: exit 6; an S3A
     * committer that does not exist: exit 2. Each with a message, before any image is read, and
     * nothing written. (A commit protocol class the cluster lacks: {@link #aCommitProtocolTheClusterLacksIsASettingError}.)
     */
    @Test
    void outputsThatCannotBeWrittenAreRefusedBeforeAnyWork() throws Exception {
        s3.bucket("locked");
        String[][] cases = {
                {"s3a://no-such-bucket/out", null, null, "no-such-bucket"},
                {"s3a://locked/out", null, null, "cannot be written"},
                {"s3a://" + BUCKET + "/refused", "fs.s3a.committer.name", "nonesuch", "no such committer"}};
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        for (String[] c : cases) {
            if (c[1] != null) hadoop.set(c[1], c[2]);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            int exit;
            try {
                exit = ClassifyCommand.execute(new PrintStream(console, true, StandardCharsets.UTF_8), "--input", images.toString(),
                        "--output", c[0], "--progress-seconds", "0");
            } finally {
                if (c[1] != null) hadoop.unset(c[1]);
            }
            String printed = console.toString(StandardCharsets.UTF_8);
            assertEquals(c[1] == null ? JobException.EXIT_OUTPUT_UNWRITABLE : JobException.EXIT_USAGE, exit, printed);
            assertTrue(printed.contains(c[3]), printed);
            assertFalse(printed.contains("\tat "), "a message, not a stack trace: " + printed);
        }
        assertFalse(Files.exists(s3.bucket(BUCKET).resolve("refused")), "nothing written");
        assertFalse(Files.exists(s3.bucket("locked").resolve("out")), "nothing written");
    }

    /**
     * Spark's S3A commit protocol named where the cluster does not have it (here: a class that is
     * nowhere): the CLI, in a JVM of its own, names the setting and what provides it, exit 2, nothing written.
     */
    @Test
    void aCommitProtocolTheClusterLacksIsASettingError() throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--input", images.toString(), "--output", "s3a://" + BUCKET + "/lacking",
                "--master", "local[1]", "--progress-seconds", "0",
                "--conf", "spark.sql.sources.commitProtocolClass=org.example.NoSuchCommitProtocol"));
        S3Server.sparkSettings(proxy.port()).forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
        org.sparkimage.testing.ForkedJvm.Result run = org.sparkimage.testing.ForkedJvm.run(ClassifyCommand.class.getName(),
                List.of("-Xmx512m"), args, java.time.Duration.ofMinutes(2), tmp);
        assertEquals(JobException.EXIT_USAGE, run.exitCode(), run.output());
        assertTrue(run.output().contains("classify: ") && run.output().contains("org.example.NoSuchCommitProtocol")
                && run.output().contains("spark-hadoop-cloud"), run.output());
        assertFalse(run.output().contains("\tat "), "a message, not a stack trace: " + run.output());
        assertFalse(Files.exists(s3.bucket(BUCKET).resolve("lacking")), "nothing written");
    }

    private static void assertOneRowPerFile(Path in, String run) throws IOException {
        List<Row> rows = stored(run);
        long files;
        try (Stream<Path> s = Files.list(in)) {
            files = s.count();
        }
        assertEquals(files, rows.size(), "rows of " + run);
        assertEquals(files, rows.stream().map(r -> r.<String>getAs("path")).distinct().count(), "distinct paths of " + run);
    }

    /**
     * No rewrite, swap marker or _temporary object left in the output, as the store lists it (its
     * filesystem backend keeps empty folders of deleted objects on disk).
     */
    private static void assertLeftovers(String run) throws IOException {
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(java.net.URI.create("s3a://" + BUCKET + "/"),
                TestSpark.session().sparkContext().hadoopConfiguration());
        for (String gone : new String[] {"predictions.rewrite", "predictions.swap", "predictions/_temporary"}) {
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/" + run + "/" + gone)), gone + " left in " + run);
        }
    }

    /** The rows of a run's predictions, read from the store's own folder. */
    private static List<Row> stored(String run) {
        return TestSpark.session().read().parquet(s3.bucket(BUCKET).resolve(run).resolve("predictions").toString()).collectAsList();
    }

    private static List<Row> localRun(String name) throws Exception {
        Path out = tmp.resolve(name);
        ClassificationJob.run(TestSpark.session(), JobOptions.of(images.toString(), out.toString()), quiet());
        return TestSpark.session().read().parquet(out.resolve("predictions").toString()).collectAsList();
    }

    private static Map<String, Row> byName(List<Row> rows) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : rows) {
            String p = r.getAs("path");
            m.put(p.substring(p.lastIndexOf('/') + 1), r);
        }
        return m;
    }

    private static Path copyOf(String name) throws IOException {
        Path in = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(images)) {
            for (Path p : s.toList()) Files.copy(p, in.resolve(p.getFileName()));
        }
        return in;
    }

    /** Replaces {@code file}'s content with {@code from}'s and moves its time on, as an edit would. */
    private static void touch(Path file, String from) throws IOException {
        Files.copy(Path.of(from), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
    }

    private static long fileCount() throws IOException {
        try (Stream<Path> s = Files.list(images)) {
            return s.count();
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
