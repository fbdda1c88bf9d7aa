package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.input.FileLister;
import org.sparkimage.input.ListedFile;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.BadInputsManifest;
import org.sparkimage.testing.ForkedJvm;
import org.sparkimage.testing.HttpFaultProxy;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.S3Server;
import org.sparkimage.testing.TestSpark;

/**
 * The job against a real S3 server (S3Proxy, filesystem backend, on 127.0.0.1) through S3A, with
 * an HTTP proxy in between that counts the requests and injects faults. A bucket holds the shipped
 * photographs and hostile files; the same tree is also on local disk.
 */
class S3InputTest {
    private static final String BUCKET = "images";
    private static final String PREFIX = "set";
    /** Every file of both copies is given this time, in whole seconds as S3 keeps it. */
    private static final Instant MTIME = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    static Path tmp;
    static S3Server s3;
    static HttpFaultProxy proxy;
    static Path local;
    static List<String> files;

    @BeforeAll
    static void startTheStoreWithTheCorpus() throws Exception {
        local = Files.createDirectories(tmp.resolve("local"));
        Path bad = Files.createDirectories(local.resolve("bad"));
        for (BadInputsManifest.Entry e : BadInputsManifest.load()) {
            Files.copy(ReferenceData.badInputsDir().resolve(e.file()), bad.resolve(e.file()));
        }
        Path photos = Files.createDirectories(local.resolve("photos"));
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            for (Path p : s.toList()) Files.copy(p, photos.resolve(p.getFileName()));
        }
        files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(local)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, FileTime.from(MTIME));
                files.add(local.relativize(f).toString());
            }
        }
        s3 = S3Server.start(tmp.resolve("s3"));
        s3.upload(local, BUCKET, PREFIX);
        proxy = HttpFaultProxy.start(s3.port());
        // The in-process runs share the test session: point its S3A at the proxy.
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
     * The CLI in a JVM of its own, credentials given only with {@code --conf}: the rows equal the
     * local run's in every column but the path, each file costs one GET and no HEAD, and the secret
     * appears in no output and nowhere on the console. Then {@code --resume} against the bucket.
     */
    @Test
    void s3RowsEqualLocalRowsWithOneGetPerFileAndTheSecretStaysSecret() throws Exception {
        proxy.resetCounts();
        Path s3Out = tmp.resolve("out-s3");
        List<String> args = new ArrayList<>(List.of("--input", "s3a://" + BUCKET + "/" + PREFIX, "--output", s3Out.toString(),
                "--master", "local[2]", "--progress-seconds", "1"));
        S3Server.sparkSettings(proxy.port()).forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
        ForkedJvm.Result run = ForkedJvm.run(ClassifyCommand.class.getName(), List.of("-Xmx1g"), args, Duration.ofMinutes(5), tmp);
        assertEquals(0, run.exitCode(), run.output());

        Path localOut = tmp.resolve("out-local");
        ClassificationJob.run(TestSpark.session(), JobOptions.of(local.toString(), localOut.toString()), quiet());
        Map<String, Row> fromS3 = rows(s3Out, "/" + PREFIX + "/");
        Map<String, Row> fromDisk = rows(localOut, "/local/");
        assertEquals(files.size(), fromS3.size(), "one row per object");
        assertEquals(fromDisk.keySet(), fromS3.keySet());
        for (String f : files) assertRowsEqualButPath(fromDisk.get(f), fromS3.get(f), f);

        // One request per file: a GET (none for an empty object), never a HEAD.
        for (String f : files) {
            String key = "/" + BUCKET + "/" + PREFIX + "/" + f;
            long gets = proxy.requests().stream().filter(r -> r.equals("GET " + key)).count();
            long heads = proxy.requests().stream().filter(r -> r.equals("HEAD " + key)).count();
            assertEquals(0, heads, "HEAD requests for " + f);
            assertEquals(Files.size(local.resolve(f)) == 0 ? 0 : 1, gets, "GET requests for " + f);
        }

        // The secret key is nowhere: console (logs included), summary, stats, predictions.
        assertFalse(run.output().contains(S3Server.SECRET_KEY), "secret on the console");
        assertFalse(Files.readString(s3Out.resolve("summary.json")).contains(S3Server.SECRET_KEY), "secret in summary.json");
        for (String table : new String[] {"stats", "predictions"}) {
            for (Row r : TestSpark.session().read().parquet(s3Out.resolve(table).toString()).collectAsList()) {
                assertFalse(r.toString().contains(S3Server.SECRET_KEY), "secret in " + table);
            }
        }

        // Resume against the bucket: one object replaced, one added.
        s3.put(BUCKET, PREFIX + "/photos/replaced.png", Files.readAllBytes(Path.of("samples/camera.png")));
        String replaced = files.stream().filter(f -> f.startsWith("photos/")).findFirst().orElseThrow();
        s3.put(BUCKET, PREFIX + "/" + replaced, Files.readAllBytes(Path.of("samples/coins.png")));
        JobSummary resumed = ClassificationJob.run(TestSpark.session(),
                JobOptions.of("s3a://" + BUCKET + "/" + PREFIX, s3Out.toString()).resuming(100), quiet());
        assertEquals(files.size() - 1, resumed.resume().kept());
        assertEquals(1, resumed.resume().staleDropped());
        assertEquals(2, resumed.counts().labeled());
        Map<String, Row> after = rows(s3Out, "/" + PREFIX + "/");
        assertEquals(files.size() + 1, after.size());
        assertEquals(files.size() + 1, TestSpark.session().read().parquet(s3Out.resolve("predictions").toString()).count());
        assertEquals(Integer.valueOf(512), after.get("photos/replaced.png").getAs("width")); // camera.png is 512x512
        assertEquals(Integer.valueOf(303), after.get(replaced).getAs("height")); // coins.png is 384x303
    }

    /**
     * What goes wrong between the store and the task is one row each: an object deleted after the
     * listing (READ_ERROR), a connection reset half-way through an object and a throttling answer
     * (S3A retries: the row is the photo's), throttling that outlasts the retries (READ_ERROR
     * naming it).
     */
    @Test
    void storeFailuresAreRowsOrRetries() throws Exception {
        Path photos = ReferenceData.nsfwDir().resolve("images");
        List<Path> some;
        try (Stream<Path> s = Files.list(photos)) {
            some = s.sorted().limit(4).toList();
        }
        String[] names = {"deleted.jpg", "reset.jpg", "throttled.jpg", "starved.jpg"};
        for (int i = 0; i < names.length; i++) s3.put(BUCKET, "faults/" + names[i], Files.readAllBytes(some.get(i)));
        Path deleted = s3.bucket(BUCKET).resolve("faults/deleted.jpg");
        proxy.beforeForwarding(r -> r.equals("GET /" + BUCKET + "/faults/deleted.jpg"), () -> {
            try {
                Files.delete(deleted);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        proxy.inject(r -> r.equals("GET /" + BUCKET + "/faults/reset.jpg"), HttpFaultProxy.Fault.RESET_MID_BODY, 1);
        proxy.inject(r -> r.equals("GET /" + BUCKET + "/faults/throttled.jpg"), HttpFaultProxy.Fault.SLOW_DOWN, 1);
        proxy.inject(r -> r.equals("GET /" + BUCKET + "/faults/starved.jpg"), HttpFaultProxy.Fault.SLOW_DOWN, 1000);
        proxy.resetCounts();

        Path out = tmp.resolve("out-faults");
        JobSummary summary = ClassificationJob.run(TestSpark.session(),
                JobOptions.of("s3a://" + BUCKET + "/faults", out.toString()), quiet());
        assertEquals(4, summary.counts().images());
        Map<String, Row> rows = rows(out, "/faults/");
        Row gone = rows.get("deleted.jpg");
        assertEquals("READ_ERROR", gone.getAs("error_code"), gone.toString());
        assertTrue(gone.<String>getAs("error_message").contains("no longer exists"), gone.toString());
        assertEquals("ok", rows.get("reset.jpg").getAs("status"), rows.get("reset.jpg").toString());
        assertTrue(proxy.count("GET", "/faults/reset.jpg") >= 2, "the reset read was retried: " + proxy.requests());
        assertEquals("ok", rows.get("throttled.jpg").getAs("status"), rows.get("throttled.jpg").toString());
        Row starved = rows.get("starved.jpg");
        assertEquals("READ_ERROR", starved.getAs("error_code"), starved.toString());
        assertTrue(starved.<String>getAs("error_message").contains("503"), starved.toString());
    }

    /** A bucket that does not exist and credentials the store refuses: exit 3 with a message that says so. */
    @Test
    void missingBucketAndWrongCredentialsAreExitThree() throws Exception {
        s3.upload(ReferenceData.nsfwDir().resolve("images"), "locked", "set");
        for (String input : new String[] {"s3a://no-such-bucket/set", "s3a://locked/set"}) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            int exit = ClassifyCommand.execute(new PrintStream(console, true, StandardCharsets.UTF_8),
                    "--input", input, "--output", tmp.resolve("out-" + input.hashCode()).toString(), "--progress-seconds", "0");
            String printed = console.toString(StandardCharsets.UTF_8);
            assertEquals(JobException.EXIT_INPUT, exit, printed);
            assertTrue(printed.startsWith("classify: input " + input), printed);
            assertFalse(printed.contains("\tat "), "a message, not a stack trace: " + printed);
        }
    }

    /**
     * An object store is listed flat: one LIST request for a prefix whatever its "directories",
     * hidden names below it dropped as on local disk.
     */
    @Test
    void listingIsFlatWithOneRequestPerThousandKeys() throws Exception {
        String[] keys = {"a.jpg", "_tmp/b.jpg", "sub/.hidden.jpg", "sub/c.jpg", "d/e/f.jpg", "d/e/_SUCCESS", ".x/g.jpg"};
        for (String k : keys) s3.put(BUCKET, "listing/" + k, new byte[] {1, 2, 3});
        proxy.resetCounts();
        List<ListedFile> listed = FileLister.list("s3a://" + BUCKET + "/listing",
                TestSpark.session().sparkContext().hadoopConfiguration());
        assertEquals(List.of("s3a://images/listing/a.jpg", "s3a://images/listing/d/e/f.jpg", "s3a://images/listing/sub/c.jpg"),
                listed.stream().map(ListedFile::path).sorted().toList());
        for (ListedFile f : listed) assertEquals(3, f.length());
        // The root's status (a HEAD and a one-page LIST probe: is it a directory?), then one flat LIST.
        assertEquals(1, proxy.requests().stream().filter(r -> r.contains("list-type=2") && !r.contains("delimiter")).count(),
                "flat LIST requests for 4 directories: " + proxy.requests());
        assertEquals(3, proxy.requests().size(), "requests in all: " + proxy.requests());
    }

    /** A listing that takes longer than the progress interval says how far it got. */
    @Test
    void aSlowListingPrintsProgress() throws Exception {
        for (int i = 0; i < 600; i++) s3.put("progress", String.format("k%04d.jpg", i), new byte[] {1});
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        hadoop.set("fs.s3a.bucket.progress.paging.maximum", "100"); // 6 pages
        proxy.delayMs(300);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try {
            List<ListedFile> listed = FileLister.list("s3a://progress/", hadoop,
                    new PrintStream(console, true, StandardCharsets.UTF_8), 1);
            assertEquals(600, listed.size());
        } finally {
            proxy.delayMs(0);
            hadoop.unset("fs.s3a.bucket.progress.paging.maximum");
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches("(?s)(listing: \\d+ files so far \\(\\d+ s\\)\n)+"), printed);
    }

    /**
     * {@code --input-list}: a text manifest and a Parquet one give the rows of the listing they
     * were made from, with no LIST request; a line without size and time costs a HEAD and leaves
     * those columns null.
     */
    @Test
    void inputListsNameTheFilesSoNothingIsListed() throws Exception {
        List<Path> photos;
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            photos = s.sorted().limit(3).toList();
        }
        for (Path p : photos) s3.put(BUCKET, "manifest/" + p.getFileName(), Files.readAllBytes(p));
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        List<ListedFile> listed = FileLister.list("s3a://" + BUCKET + "/manifest", hadoop);
        Path listedOut = tmp.resolve("out-manifest-listed");
        ClassificationJob.run(TestSpark.session(), JobOptions.of("s3a://" + BUCKET + "/manifest", listedOut.toString()), quiet());
        Map<String, Row> expected = rows(listedOut, "/manifest/");

        StringBuilder text = new StringBuilder("# three photos\n\n");
        for (int i = 0; i < listed.size(); i++) {
            ListedFile f = listed.get(i);
            text.append(f.path()).append(i == 0 ? "" : "\t" + f.length() + "\t" + f.modificationTime().toInstant()).append('\n');
        }
        Path manifest = Files.writeString(tmp.resolve("files.txt"), text);
        proxy.resetCounts();
        Path textOut = tmp.resolve("out-manifest-text");
        int exit = ClassifyCommand.execute(quiet(), "--input-list", manifest.toString(), "--output", textOut.toString(),
                "--progress-seconds", "0");
        assertEquals(0, exit);
        assertEquals(0, proxy.requests().stream().filter(r -> r.contains("list-type")).count(), "no LIST: " + proxy.requests());
        String bare = listed.get(0).path().substring(("s3a://" + BUCKET).length());
        assertEquals(1, proxy.count("HEAD", bare), "the line without a size: " + proxy.requests());
        Map<String, Row> fromText = rows(textOut, "/manifest/");
        assertEquals(expected.keySet(), fromText.keySet());
        for (Map.Entry<String, Row> e : fromText.entrySet()) {
            Row r = e.getValue();
            if (listed.get(0).path().endsWith("/" + e.getKey())) {
                assertTrue(r.isNullAt(r.fieldIndex(PredictionSchema.FILE_SIZE)), r.toString());
                assertTrue(r.isNullAt(r.fieldIndex(PredictionSchema.MODIFICATION_TIME)), r.toString());
                assertEquals(expected.get(e.getKey()).<String>getAs("label"), r.getAs("label"));
                assertEquals(expected.get(e.getKey()).<Float>getAs("probability"), r.getAs("probability"));
            } else {
                assertRowsEqualButPath(expected.get(e.getKey()), r, e.getKey());
            }
        }

        Path table = tmp.resolve("files.parquet");
        TestSpark.session().createDataFrame(listed.stream().map(f -> org.apache.spark.sql.RowFactory.create(f.path(), f.length(),
                        f.modificationTime())).toList(), new org.apache.spark.sql.types.StructType()
                        .add("path", "string").add("size", "long").add("modification_time", "timestamp"))
                .write().parquet(table.toString());
        Path tableOut = tmp.resolve("out-manifest-parquet");
        ClassificationJob.run(TestSpark.session(), JobOptions.of(table.toString(), tableOut.toString()).withInputList(), quiet());
        Map<String, Row> fromTable = rows(tableOut, "/manifest/");
        assertEquals(expected.keySet(), fromTable.keySet());
        for (String k : expected.keySet()) assertRowsEqualButPath(expected.get(k), fromTable.get(k), k);
    }

    private static void assertRowsEqualButPath(Row expected, Row actual, String file) {
        assertNotNull(expected, "no local row for " + file);
        assertNotNull(actual, "no S3 row for " + file);
        for (StructField f : expected.schema().fields()) {
            if (f.name().equals(PredictionSchema.PATH)) continue;
            int i = expected.fieldIndex(f.name());
            assertEquals(expected.get(i), actual.get(actual.fieldIndex(f.name())), file + ": " + f.name());
        }
    }

    /** Rows keyed by their path after {@code marker}. */
    private static Map<String, Row> rows(Path output, String marker) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(output.resolve("predictions").toString()).collectAsList()) {
            String path = r.getAs("path");
            assertEquals(null, rows.put(path.substring(path.indexOf(marker) + marker.length()), r), "duplicate row " + path);
        }
        return rows;
    }

    private static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream());
    }
}
