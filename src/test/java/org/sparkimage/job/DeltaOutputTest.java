package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.output.JobSummary;
import org.sparkimage.output.PredictionTables;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.setup.TableFormat;
import org.sparkimage.testing.ForkedJvm;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

import io.delta.tables.DeltaTable;

/**
 * {@code --format delta}: the predictions as a Delta Lake table with the same rows as the Parquet
 * output (photos and hostile files), readable through Delta and SQL, resumable with Delta's own
 * transactions (new and changed files labeled once, stale rows deleted, the rest kept), partitioned
 * by label, written over a Parquet output with {@code --overwrite}, and a resume across formats
 * refused.
 *
 * <p>The first Delta run is the real CLI in a JVM of its own, so the session settings Delta needs
 * are the ones {@link ClassifyCommand} sets (with a user extension listed too). The other runs use
 * a Delta session the product's {@link SparkSessions} builds on the shared test context, active
 * while this class runs; the shared session is the active and default one again afterwards.
 */
class DeltaOutputTest {
    @TempDir
    static Path tmp;
    static Path images;
    static SparkSession shared;
    static SparkSession delta;
    static Path deltaOut;
    static Path parquetOut;
    static List<ReferenceData.Expected> photos;

    @BeforeAll
    static void labelTheSameFolderAsDeltaAndAsParquet() throws Exception {
        shared = TestSpark.session();
        delta = deltaSession(shared);
        photos = ReferenceData.nsfwExpected();
        images = Files.createDirectories(tmp.resolve("images"));
        for (ReferenceData.Expected e : photos.subList(0, 5)) {
            Files.copy(ReferenceData.nsfwDir().resolve(e.file()), images.resolve(e.fileName()));
        }
        for (String bad : List.of("avif_image.avif", "gif_animated.gif", "jpeg_12bit.jpg", "photo café 1.jpg", "actually_jpeg.png")) {
            Files.copy(ReferenceData.badInputsDir().resolve(bad), images.resolve(bad));
        }
        Files.write(images.resolve("empty.jpg"), new byte[0]);
        Files.writeString(images.resolve("notes.jpg"), "not an image");
        byte[] jpeg = Files.readAllBytes(ReferenceData.badInputsDir().resolve("photo café 1.jpg"));
        Files.write(images.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));

        deltaOut = tmp.resolve("out-delta");
        ForkedJvm.Result run = ForkedJvm.run(ClassifyCommand.class.getName(), List.of("-Xmx1g"),
                List.of("--input", images.toString(), "--output", deltaOut.toString(), "--format", "delta", "--master", "local[2]",
                        "--progress-seconds", "0", "--conf", "spark.sql.extensions=org.sparkimage.sql.ImageFunctions"),
                Duration.ofMinutes(4), tmp);
        assertEquals(0, run.exitCode(), run.output());

        parquetOut = tmp.resolve("out-parquet");
        ClassificationJob.run(shared, JobOptions.of(images.toString(), parquetOut.toString()), quiet());
        // Delta's DeltaTable helpers (isDeltaTable, detail) resolve through the active session.
        SparkSession.setActiveSession(delta);
    }

    /**
     * A reader that is not Spark: Delta Kernel (Delta's own library for other engines) reads a Delta
     * table written to local disk and one written to {@code s3a://} (S3Proxy; Delta's default log
     * store for s3a, safe for one writer), and sees the rows Spark reads, the same in both places.
     */
    @Test
    void deltaKernelReadsTheSameRowsFromLocalDiskAndFromS3() throws Exception {
        org.apache.hadoop.conf.Configuration hadoop = shared.sparkContext().hadoopConfiguration();
        String local = tmp.resolve("kernel-local").toString();
        ClassificationJob.run(delta, JobOptions.of(images.toString(), local).withFormat(TableFormat.DELTA), quiet());
        Map<String, Map<String, Object>> fromDisk = kernelRowsMatchingSpark(local + "/predictions", hadoop);
        try (org.sparkimage.testing.S3Server s3 = org.sparkimage.testing.S3Server.start(tmp.resolve("s3"))) {
            s3.bucket("delta");
            org.sparkimage.testing.S3Server.s3aSettings(s3.port()).forEach(hadoop::set);
            try {
                ClassificationJob.run(delta, JobOptions.of(images.toString(), "s3a://delta/out").withFormat(TableFormat.DELTA), quiet());
                Map<String, Map<String, Object>> fromS3 = kernelRowsMatchingSpark("s3a://delta/out/predictions", hadoop);
                assertEquals(fromDisk, fromS3, "the same rows on local disk and on S3");
            } finally {
                org.sparkimage.testing.S3Server.s3aSettings(0).keySet().forEach(hadoop::unset);
            }
        }
    }

    /** Delta Kernel's rows of {@code table} by path, each scalar column equal to Spark's read of it. */
    private static Map<String, Map<String, Object>> kernelRowsMatchingSpark(String table, org.apache.hadoop.conf.Configuration hadoop)
            throws IOException {
        Map<String, Map<String, Object>> kernel = new TreeMap<>();
        for (Map<String, Object> r : org.sparkimage.testing.DeltaKernelRows.read(table, hadoop)) {
            assertTrue(kernel.put((String) r.get(PredictionSchema.PATH), r) == null, "two rows for " + r.get(PredictionSchema.PATH));
        }
        Map<String, Row> spark = byPath(delta.read().format("delta").load(table).collectAsList());
        assertEquals(spark.keySet(), kernel.keySet(), table);
        for (Map.Entry<String, Map<String, Object>> e : kernel.entrySet()) {
            Row s = spark.get(e.getKey());
            for (Map.Entry<String, Object> c : e.getValue().entrySet()) {
                Object v = s.get(s.fieldIndex(c.getKey()));
                if (v instanceof java.sql.Timestamp t) v = t.getTime() / 1000 * 1_000_000 + t.getNanos() / 1000;
                assertEquals(v, c.getValue(), e.getKey() + " " + c.getKey());
            }
            assertTrue(e.getValue().keySet().containsAll(List.of(PredictionSchema.STATUS, PredictionSchema.LABEL,
                    PredictionSchema.PROBABILITY, PredictionSchema.MODIFICATION_TIME)), e.getValue().keySet().toString());
        }
        return kernel;
    }

    @AfterAll
    static void restoreTheSharedSession() {
        SparkSession.setDefaultSession(shared);
        SparkSession.setActiveSession(shared);
    }

    @Test
    void deltaRowsEqualParquetRowsAndReadBackThroughDeltaAndSql() throws IOException {
        Path table = deltaOut.resolve("predictions");
        assertTrue(Files.isDirectory(table.resolve("_delta_log")), "a Delta transaction log");
        assertTrue(DeltaTable.isDeltaTable(delta, table.toString()));
        Map<String, Row> fromDelta = byPath(delta.read().format("delta").load(table.toString()).collectAsList());
        Map<String, Row> fromParquet = byPath(shared.read().parquet(parquetOut.resolve("predictions").toString()).collectAsList());
        assertEquals(countFiles(images), fromDelta.size(), "one row per file");
        assertEquals(fromParquet.keySet(), fromDelta.keySet());
        assertTrue(fromDelta.values().stream().anyMatch(r -> "error".equals(r.getAs(PredictionSchema.STATUS))), "hostile files gave error rows");
        for (String path : fromParquet.keySet()) assertSameRow(fromParquet.get(path), fromDelta.get(path), path);
        assertEquals(List.of(PredictionSchema.SCHEMA.fieldNames()),
                List.of(delta.read().format("delta").load(table.toString()).schema().fieldNames()), "the Parquet output's columns, in order");

        Map<String, Long> byLabel = new TreeMap<>();
        for (Row r : delta.sql("SELECT label, count(*) AS n FROM delta.`" + table + "` GROUP BY label").collectAsList()) {
            byLabel.put(String.valueOf((Object) r.getAs("label")), r.getAs("n"));
        }
        Map<String, Long> expected = new TreeMap<>();
        fromParquet.values().forEach(r -> expected.merge(String.valueOf((Object) r.getAs("label")), 1L, Long::sum));
        assertEquals(expected, byLabel);
        // summary.json and stats stay as they were: JSON, and a Parquet folder.
        assertTrue(Files.readString(deltaOut.resolve("summary.json")).contains("\"images\""));
        assertTrue(shared.read().parquet(deltaOut.resolve("stats").toString()).count() > 0, "stats stay a Parquet folder");
    }

    @Test
    void resumeAddsNewAndChangedFilesOnceAndDeletesStaleRowsInATransaction() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("resume-in"));
        for (ReferenceData.Expected e : photos.subList(0, 4)) Files.copy(ReferenceData.nsfwDir().resolve(e.file()), in.resolve(e.fileName()));
        Files.copy(images.resolve("notes.jpg"), in.resolve("notes.jpg"));
        Files.copy(images.resolve("truncated.jpg"), in.resolve("truncated.jpg"));
        Path out = tmp.resolve("resume-out");
        JobOptions o = JobOptions.of(in.toString(), out.toString()).withFormat(TableFormat.DELTA);
        ClassificationJob.run(delta, o, quiet());
        String table = out.resolve("predictions").toString();
        Map<String, Row> before = byPath(delta.read().format("delta").load(table).collectAsList());

        ReferenceData.Expected added = photos.get(5);
        Files.copy(ReferenceData.nsfwDir().resolve(added.file()), in.resolve(added.fileName()));
        String replacedName = photos.get(0).fileName();
        Path replaced = in.resolve(replacedName);
        Files.copy(ReferenceData.nsfwDir().resolve(photos.get(6).file()), replaced, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(replaced, FileTime.fromMillis(Files.getLastModifiedTime(replaced).toMillis() + 60_000));

        JobSummary resumed = ClassificationJob.run(delta, o.resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet());
        assertEquals(2, resumed.counts().labeled(), "only the added and the replaced file are labeled");
        assertEquals(before.size() - 1, resumed.resume().kept());
        assertEquals(1, resumed.resume().staleDropped());

        List<Row> rows = delta.read().format("delta").load(table).collectAsList();
        Map<String, Row> after = byPath(rows);
        assertEquals(before.size() + 1, rows.size(), "exactly one row per file");
        for (Map.Entry<String, Row> e : before.entrySet()) {
            if (e.getKey().endsWith("/" + replacedName)) continue;
            assertEquals(e.getValue(), after.get(e.getKey()), "kept as committed: " + e.getKey());
        }
        Row newRow = after.get(pathEnding(after, replacedName));
        assertEquals(Files.size(replaced), (long) newRow.<Long>getAs(PredictionSchema.FILE_SIZE), "the replaced file's new row");
        assertNotEquals(before.get(pathEnding(before, replacedName)).<Long>getAs(PredictionSchema.FILE_SIZE),
                newRow.<Long>getAs(PredictionSchema.FILE_SIZE));
        assertNotNull(after.get(pathEnding(after, added.fileName())), "the added file's row");

        // Delta's own transactions did it: appends, then one MERGE for the stale row; no folder swap.
        List<String> operations = new ArrayList<>();
        for (Row h : DeltaTable.forPath(delta, table).history().orderBy("version").collectAsList()) operations.add(h.getAs("operation"));
        assertTrue(operations.contains("MERGE"), operations.toString());
        assertEquals("MERGE", operations.get(operations.size() - 2), "the stale row deleted before the new rows' append: " + operations);
        assertEquals("WRITE", operations.get(operations.size() - 1), operations.toString());
        assertFalse(Files.exists(out.resolve("predictions.rewrite")));
        // The removed row's file is still on disk: readers of the output (the gallery) go through the log.
        assertTrue(shared.read().parquet(table).count() > rows.size(), "a plain Parquet read sees the removed file");
        assertEquals(rows.size(), PredictionTables.readPredictions(delta, out.toString()).count());
        assertThrows(IllegalStateException.class, () -> PredictionTables.readPredictions(shared, out.toString()),
                "a session without Delta cannot read the table right");
    }

    @Test
    void partitionsByLabelAndResumes() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("partition-in"));
        for (ReferenceData.Expected e : photos.subList(0, 3)) Files.copy(ReferenceData.nsfwDir().resolve(e.file()), in.resolve(e.fileName()));
        Files.writeString(in.resolve("notes.jpg"), "not an image");
        Path out = tmp.resolve("partition-out");
        JobOptions o = JobOptions.of(in.toString(), out.toString()).withFormat(TableFormat.DELTA).withPartitionBy("label");
        ClassificationJob.run(delta, o, quiet());
        String table = out.resolve("predictions").toString();
        Row detail = DeltaTable.forPath(delta, table).detail().collectAsList().get(0);
        assertEquals(List.of("label"), detail.getList(detail.fieldIndex("partitionColumns")));
        Set<String> folders = new HashSet<>();
        try (Stream<Path> s = Files.list(out.resolve("predictions"))) {
            s.filter(Files::isDirectory).forEach(p -> folders.add(p.getFileName().toString()));
        }
        assertTrue(folders.contains("_delta_log"), folders.toString());
        assertTrue(folders.contains("label=__HIVE_DEFAULT_PARTITION__"), "error rows: " + folders);
        for (ReferenceData.Expected e : photos.subList(0, 3)) {
            assertTrue(folders.contains("label=" + e.json().get("top1_class")), folders + " " + e.fileName());
        }

        Files.copy(ReferenceData.nsfwDir().resolve(photos.get(3).file()), in.resolve(photos.get(3).fileName()));
        JobSummary resumed = ClassificationJob.run(delta, o.resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet());
        assertEquals(1, resumed.counts().labeled(), "only the new file is labeled");
        assertEquals(4, resumed.resume().kept());
        List<Row> rows = delta.read().format("delta").load(table).collectAsList();
        assertEquals(5, rows.size(), "one row per file");
        assertEquals(5, byPath(rows).size(), "no duplicate row");

        JobException unpartitioned = assertThrows(JobException.class, () -> ClassificationJob.run(delta,
                o.withPartitionBy(null).resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet()));
        assertEquals(JobException.EXIT_USAGE, unpartitioned.exitCode());
        assertTrue(unpartitioned.getMessage().contains("is partitioned by label"), unpartitioned.getMessage());
    }

    @Test
    void refusesToResumeATableOfTheOtherFormat() throws Exception {
        long parquetRows = shared.read().parquet(parquetOut.resolve("predictions").toString()).count();
        JobException e = assertThrows(JobException.class, () -> ClassificationJob.run(delta,
                JobOptions.of(images.toString(), parquetOut.toString()).withFormat(TableFormat.DELTA)
                        .resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet()));
        assertEquals(JobException.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("is a parquet table; resume it with --format parquet"), e.getMessage());
        assertFalse(Files.exists(parquetOut.resolve("predictions/_delta_log")), "no Delta log written into the Parquet table");
        assertEquals(parquetRows, shared.read().parquet(parquetOut.resolve("predictions").toString()).count());

        // The other way round, through the CLI: its exit status and message.
        Path copy = copyOf(deltaOut, "delta-copy");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int status = ClassifyCommand.execute(new PrintStream(console, true, StandardCharsets.UTF_8),
                "--input", images.toString(), "--output", copy.toString(), "--resume", "--progress-seconds", "0");
        String said = console.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, said);
        assertTrue(said.contains("is a delta table; resume it with --format delta"), said);
        assertEquals(countFiles(images), delta.read().format("delta").load(copy.resolve("predictions").toString()).count());
    }

    @Test
    void overwriteReplacesAParquetOutputWithADeltaTable() throws Exception {
        Path out = copyOf(parquetOut, "overwritten");
        JobOptions.Run r = JobOptions.Run.DEFAULT;
        JobOptions o = JobOptions.of(images.toString(), out.toString()).withRun(new JobOptions.Run(r.master(), r.partitions(),
                r.commitEvery(), JobOptions.OutputMode.OVERWRITE, 0, r.sparkConf(), r.readAhead(), null, TableFormat.DELTA));
        ClassificationJob.run(delta, o, quiet());
        String table = out.resolve("predictions").toString();
        assertFalse(Files.exists(out.resolve("predictions/_SUCCESS")), "no Parquet commit left");
        assertEquals(1, DeltaTable.forPath(delta, table).history().count(), "a new table, not a continued one");
        assertEquals(countFiles(images), byPath(delta.read().format("delta").load(table).collectAsList()).size());
        assertEquals(1, shared.read().parquet(out.resolve("stats").toString()).inputFiles().length, "the old stats went too");
    }

    @Test
    void refusesASessionWithoutDelta() {
        JobException e = assertThrows(JobException.class, () -> ClassificationJob.run(shared,
                JobOptions.of(images.toString(), tmp.resolve("never").toString()).withFormat(TableFormat.DELTA), quiet()));
        assertEquals(JobException.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(SparkSessions.DELTA_EXTENSION), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void addsDeltaAfterTheUsersExtensionsAndKeepsTheirCatalog() {
        SparkConf conf = SparkSessions.withDelta(new SparkConf(false)
                .set(SparkSessions.EXTENSIONS, "org.sparkimage.sql.ImageFunctions")
                .set(SparkSessions.SESSION_CATALOG, "com.example.TheirCatalog"));
        assertEquals("org.sparkimage.sql.ImageFunctions," + SparkSessions.DELTA_EXTENSION, conf.get(SparkSessions.EXTENSIONS));
        assertEquals("com.example.TheirCatalog", conf.get(SparkSessions.SESSION_CATALOG));
        assertEquals(conf.get(SparkSessions.EXTENSIONS), SparkSessions.withDelta(conf).get(SparkSessions.EXTENSIONS), "listed once");
        SparkConf bare = SparkSessions.withDelta(new SparkConf(false));
        assertEquals(SparkSessions.DELTA_EXTENSION, bare.get(SparkSessions.EXTENSIONS));
        assertEquals(SparkSessions.DELTA_CATALOG, bare.get(SparkSessions.SESSION_CATALOG));
    }

    /**
     * A session with Delta's extension and catalog on the shared test context. Spark applies the
     * extensions listed in the context's conf only, so on a context started without Delta's (as the
     * shared one was) the extension is handed over directly; the CLI, which starts its own context,
     * is checked with the settings {@link SparkSessions#withDelta} writes. The shared session stays
     * the default for the other test classes.
     */
    private static SparkSession deltaSession(SparkSession shared) {
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        try {
            SparkSession s = SparkSession.builder()
                    .config(SparkSessions.EXTENSIONS, SparkSessions.DELTA_EXTENSION)
                    .config(SparkSessions.SESSION_CATALOG, SparkSessions.DELTA_CATALOG)
                    .config("spark.databricks.delta.snapshotPartitions", "2") // a log of a few commits, 2 cores
                    .withExtensions(new io.delta.sql.DeltaSparkSessionExtension())
                    .getOrCreate();
            assertNotEquals(shared, s);
            assertTrue(SparkSessions.readyForDelta(s));
            return s;
        } finally {
            SparkSession.setDefaultSession(shared);
            SparkSession.setActiveSession(shared);
        }
    }

    private static void assertSameRow(Row expected, Row actual, String path) {
        for (String c : PredictionSchema.SCHEMA.fieldNames()) {
            if (c.equals(PredictionSchema.PROBABILITY) || c.equals(PredictionSchema.TOP_K)) continue;
            assertEquals((Object) expected.getAs(c), actual.getAs(c), path + " " + c);
        }
        Float p = expected.getAs(PredictionSchema.PROBABILITY);
        if (p != null) assertEquals(p, actual.<Float>getAs(PredictionSchema.PROBABILITY), 1e-5f, path);
        List<Row> ke = expected.getList(expected.fieldIndex(PredictionSchema.TOP_K));
        List<Row> ka = actual.getList(actual.fieldIndex(PredictionSchema.TOP_K));
        if (ke == null) {
            assertEquals(null, ka, path);
            return;
        }
        assertEquals(ke.size(), ka.size(), path);
        for (int i = 0; i < ke.size(); i++) {
            assertEquals(ke.get(i).getString(1), ka.get(i).getString(1), path + " top_k[" + i + "]");
            assertEquals(ke.get(i).getFloat(2), ka.get(i).getFloat(2), 1e-5f, path + " top_k[" + i + "]");
        }
    }

    private static Map<String, Row> byPath(List<Row> rows) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : rows) assertEquals(null, m.put(r.getAs(PredictionSchema.PATH), r), "duplicate row for " + r.getAs(PredictionSchema.PATH));
        return m;
    }

    private static String pathEnding(Map<String, Row> rows, String name) {
        return rows.keySet().stream().filter(p -> p.endsWith("/" + name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** A copy of a folder (with its files' modification times). */
    private static Path copyOf(Path dir, String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(dir.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    private static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream());
    }
}
