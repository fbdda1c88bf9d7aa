package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.setup.JobException;
import org.sparkimage.testing.PythonEnv;
import org.sparkimage.testing.S3Server;
import org.sparkimage.testing.TestSpark;

/**
 * Parquet shards written by Hugging Face {@code datasets} itself ({@code src/test/python/hf_datasets_shards.py}):
 * an {@code Image} feature built from local files keeps only the path ({@code bytes} null), and the
 * job reads the file at that path, as the feature does; a {@code ClassLabel} column is carried into
 * the predictions. Skipped with the reason where the library cannot be installed.
 */
class HuggingFaceDatasetsTest {
    /** Real images of both formats and several sizes: three sample pictures and an emoji render. */
    private static final List<Path> IMAGES = List.of(Path.of("samples/coins.png"), Path.of("samples/rocket.jpg"),
            Path.of("samples/camera.png"), Path.of("src/test/data/labeled/face/u1f600.jpg"));

    /** Over the runs' {@code --max-file-mb 1}: a real JPEG with trailing padding past 1 MiB. */
    private static final String OVERSIZED = "oversized.jpg";

    @TempDir
    static Path tmp;

    private static Path hf;
    private static List<String> names;

    @BeforeAll
    static void writeShards() throws Exception {
        PythonEnv.DATA.pythonOrSkip();
        hf = tmp.resolve("hf");
        Files.createDirectories(hf.resolve("images"));
        names = new ArrayList<>();
        for (Path p : IMAGES) {
            Files.copy(p, hf.resolve("images").resolve(p.getFileName()));
            names.add(p.getFileName().toString());
        }
        byte[] padded = Arrays.copyOf(Files.readAllBytes(IMAGES.get(1)), (1 << 20) + 4096);
        Files.write(hf.resolve("images").resolve(OVERSIZED), padded);
        names.add(OVERSIZED);
        List<String> args = new ArrayList<>(List.of("src/test/python/hf_datasets_shards.py", hf.toString()));
        args.addAll(names);
        PythonEnv.DATA.run(tmp.resolve("python.log"), Duration.ofMinutes(2), args);
    }

    /**
     * The path-only shards give one row per example; each image gets the labels and probabilities of
     * its bytes embedded in the table and of its file in a folder run; a relative path is read
     * against the table's folder; the missing file is READ_ERROR, the one over the limit TOO_LARGE
     * as in the folder run; the ClassLabel column comes along.
     */
    @Test
    void pathOnlyImageCellsAreReadFromTheirFiles() throws Exception {
        Path images = hf.resolve("images");
        Map<String, Row> labeled = classify("labeled", "out-labeled", "--carry-columns", "label=given_label");
        assertEquals(names.size() + 2, labeled.size(), "one row per example: " + labeled.keySet());

        Map<String, Row> embedded = classify("embedded", "out-embedded");
        Map<String, Row> folder = new HashMap<>();
        assertEquals(0, ClassifyCommand.execute(new PrintStream(PrintStream.nullOutputStream()), "--input", images.toString(),
                "--output", tmp.resolve("out-folder").toString(), "--max-file-mb", "1", "--progress-seconds", "0"));
        for (Row r : rows(tmp.resolve("out-folder"))) folder.put(fileName(r.getAs(PredictionSchema.PATH)), r);

        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Row fromPath = labeled.get(images.resolve(name).toString());
            assertEquals(name.equals(OVERSIZED) ? "TOO_LARGE" : null, fromPath.getAs(PredictionSchema.ERROR_CODE), fromPath.toString());
            assertSamePrediction(embedded.get(name), fromPath, name + ": path-only vs bytes embedded");
            assertSamePrediction(folder.get(name), fromPath, name + ": path-only vs folder run");
            if (!name.equals(OVERSIZED)) assertEquals(Files.size(images.resolve(name)), fromPath.<Long>getAs(PredictionSchema.FILE_SIZE), name);
            assertEquals((long) i, fromPath.<Long>getAs("given_label"), name);
        }
        Row relative = labeled.get("../images/" + names.get(0));
        assertSamePrediction(folder.get(names.get(0)), relative, "relative to the table's folder");
        assertEquals((long) names.size(), relative.<Long>getAs("given_label"));

        Row missing = labeled.get(images.resolve("missing.jpg").toString());
        assertEquals("READ_ERROR", missing.getAs(PredictionSchema.ERROR_CODE), missing.toString());
        assertTrue(missing.<String>getAs(PredictionSchema.ERROR_MESSAGE).contains("does not exist")
                && missing.<String>getAs(PredictionSchema.ERROR_MESSAGE).contains("missing.jpg"), missing.toString());
        assertEquals(names.size() + 1L, missing.<Long>getAs("given_label"));

        List<String> columns = List.of(TestSpark.session().read().parquet(tmp.resolve("out-labeled/predictions").toString()).columns());
        assertEquals("given_label", columns.get(columns.size() - 1), "carried columns come after the product's");
    }

    /**
     * {@code --image-base} is the folder relative paths are read against instead of the table's; the
     * row-by-row read (read-ahead off) gives what the other tests' read-ahead gives.
     */
    @Test
    void relativePathsAreReadAgainstTheImageBase() throws Exception {
        Map<String, Row> got = classify("relative", "out-relative", "--image-base", hf.resolve("images").toString(),
                "--read-ahead-files", "0");
        assertEquals(names.size(), got.size());
        for (String name : names) {
            assertEquals(name.equals(OVERSIZED) ? "TOO_LARGE" : null, got.get(name).getAs(PredictionSchema.ERROR_CODE), got.get(name).toString());
        }
        Map<String, Row> wrongBase = classify("relative", "out-wrong-base", "--image-base", tmp.toString());
        for (String name : names) assertEquals("READ_ERROR", wrongBase.get(name).getAs(PredictionSchema.ERROR_CODE), name);
    }

    /**
     * A table on S3 whose cells name images beside it: the input is one Parquet file, so relative
     * paths are read against the folder holding it, through S3A with the session's Hadoop settings,
     * with the same limit.
     */
    @Test
    void relativePathsOfATableOnS3AreReadFromS3() throws Exception {
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"))) {
            s3.upload(hf.resolve("images"), "hf-data", "data"); // S3 bucket names have 3 characters or more
            s3.put("hf-data", "data/train.parquet", Files.readAllBytes(hf.resolve("relative/train.parquet")));
            Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
            S3Server.s3aSettings(s3.port()).forEach(hadoop::set);
            try {
                Map<String, Row> got = classify("s3a://hf-data/data/train.parquet", "out-s3");
                Map<String, Row> local = classify(hf.resolve("relative").toString(), "out-s3-local", "--image-base", hf.resolve("images").toString());
                assertEquals(names.size(), got.size());
                for (String name : names) {
                    assertEquals(name.equals(OVERSIZED) ? "TOO_LARGE" : null, got.get(name).getAs(PredictionSchema.ERROR_CODE), got.get(name).toString());
                    assertSamePrediction(local.get(name), got.get(name), name + ": from S3 vs local");
                }
            } finally {
                S3Server.s3aSettings(0).keySet().forEach(hadoop::unset);
            }
        }
    }

    /** A carried column that does not exist, or would shadow an output column, or folder input, is refused before anything runs. */
    @Test
    void badCarriedColumnsAreRefused() {
        String table = hf.resolve("labeled").toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        assertEquals(JobException.EXIT_USAGE, ClassifyCommand.execute(out, "--input", table, "--binary-column", "image",
                "--carry-columns", "label", "--output", tmp.resolve("refused-1").toString()));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("'label' is a column of the predictions already"), log.toString());
        assertEquals(JobException.EXIT_INPUT, ClassifyCommand.execute(out, "--input", table, "--binary-column", "image",
                "--carry-columns", "label=given,split", "--output", tmp.resolve("refused-2").toString()));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("names 'split', which is not a top-level column of [image, label]"),
                log.toString());
        assertEquals(JobException.EXIT_USAGE, ClassifyCommand.execute(out, "--input", hf.resolve("images").toString(),
                "--carry-columns", "label=given", "--output", tmp.resolve("refused-3").toString()));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("need --binary-column"), log.toString());
        for (int i = 1; i <= 3; i++) assertTrue(Files.notExists(tmp.resolve("refused-" + i)), "refused-" + i + " was written");
    }

    /**
     * Runs the CLI on {@code <hf>/<table>} (or {@code table} itself, a path or URI) ({@code image.bytes}, named by {@code image.path}) into
     * {@code <tmp>/<output>}; its rows by that path.
     */
    private static Map<String, Row> classify(String table, String output, String... more) {
        Path out = tmp.resolve(output);
        String input = table.contains("/") ? table : hf.resolve(table).toString();
        List<String> args = new ArrayList<>(List.of("--input", input, "--binary-column", "image.bytes",
                "--id-column", "image.path", "--output", out.toString(), "--max-file-mb", "1", "--progress-seconds", "0"));
        args.addAll(List.of(more));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), args.toArray(String[]::new)),
                log.toString(StandardCharsets.UTF_8));
        Map<String, Row> byPath = new HashMap<>();
        for (Row r : rows(out)) assertEquals(null, byPath.put(r.getAs(PredictionSchema.PATH), r), "duplicate " + r);
        return byPath;
    }

    private static List<Row> rows(Path out) {
        return TestSpark.session().read().parquet(out.resolve("predictions").toString()).collectAsList();
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The same size, top-1 and top-k classes with the same probabilities. */
    private static void assertSamePrediction(Row expected, Row actual, String what) {
        assertEquals(expected.<String>getAs(PredictionSchema.STATUS), actual.<String>getAs(PredictionSchema.STATUS), what);
        assertEquals(expected.<String>getAs(PredictionSchema.ERROR_CODE), actual.<String>getAs(PredictionSchema.ERROR_CODE), what);
        if (expected.getAs(PredictionSchema.ERROR_CODE) != null) return;
        assertEquals(expected.<Integer>getAs(PredictionSchema.WIDTH), actual.<Integer>getAs(PredictionSchema.WIDTH), what);
        assertEquals(expected.<String>getAs(PredictionSchema.LABEL), actual.<String>getAs(PredictionSchema.LABEL), what);
        List<Row> ke = expected.getList(expected.fieldIndex(PredictionSchema.TOP_K));
        List<Row> ka = actual.getList(actual.fieldIndex(PredictionSchema.TOP_K));
        assertEquals(ke.size(), ka.size(), what);
        for (int i = 0; i < ke.size(); i++) {
            assertEquals(ke.get(i).getInt(0), ka.get(i).getInt(0), what);
            assertEquals(ke.get(i).getFloat(2), ka.get(i).getFloat(2), 1e-6, what);
        }
    }
}
