package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.setup.JobException;
import org.sparkimage.testing.ReferenceData.Expected;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestJson;
import org.sparkimage.testing.TestSpark;

/**
 * The CLI end to end on the reference photographs, on a real local[2] SparkSession with real
 * ONNX Runtime and real Parquet: one row per file, predictions equal to the reference runtime's.
 */
class ClassifyCommandTest {
    @TempDir
    static Path tmp;
    static Path out;
    static String console;
    static Map<String, Row> byName = new HashMap<>();
    static long fileCount;

    @BeforeAll
    static void runCli() throws IOException {
        Path images = ReferenceData.nsfwDir().resolve("images");
        try (Stream<Path> s = Files.list(images)) {
            fileCount = s.count();
        }
        out = tmp.resolve("run1");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8),
                "--input", images.toString(), "--output", out.toString(), "--master", "local[2]", "--progress-seconds", "2");
        console = buf.toString(StandardCharsets.UTF_8);
        System.out.println(console);
        assertEquals(0, exit, console);
        for (Row r : predictions().collectAsList()) {
            String path = r.getString(r.fieldIndex("path"));
            byName.put(path.substring(path.lastIndexOf('/') + 1), r);
        }
    }

    static Dataset<Row> predictions() {
        return TestSpark.session().read().parquet(out.resolve("predictions").toString());
    }

    @Test
    void oneRowPerFileAndNoDuplicates() {
        Dataset<Row> p = predictions();
        assertEquals(fileCount, p.count());
        assertEquals(fileCount, p.select("path").distinct().count());
        assertEquals(fileCount, byName.size());
        assertEquals(PredictionSchema.SCHEMA.fieldNames().length, p.schema().fields().length);
    }

    @Test
    void opaquePngsMatchTheReferenceRuntimeExactly() {
        // The shipped subset has 15 opaque PNGs (scikit-image and matplotlib samples).
        opaquePngsMatch(ReferenceData.nsfwExpected(), byName, 15);
    }

    @Test
    void jpegsAgreeOnTop1WhereTheReferenceIsConfident() {
        // The shipped subset has 4 JPEGs, all confident (hubble_deep_field, retina, rocket, seeding).
        confidentJpegsAgree(ReferenceData.nsfwExpected(), byName, 4);
    }

    /** The same checks through the CLI on the full reference set (73 photographs). */
    @Test
    void theFullSetMatchesTheReferenceRuntime() throws IOException {
        Path full = ReferenceData.fullNsfwDir();
        Path fullOut = tmp.resolve("full");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8),
                "--input", full.resolve("images").toString(), "--output", fullOut.toString(), "--master", "local[2]",
                "--progress-seconds", "0");
        assertEquals(0, exit, buf.toString(StandardCharsets.UTF_8));
        Map<String, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(fullOut.resolve("predictions").toString()).collectAsList()) {
            String path = r.getString(r.fieldIndex("path"));
            rows.put(path.substring(path.lastIndexOf('/') + 1), r);
        }
        List<Expected> expected = ReferenceData.nsfwExpected(full);
        assertEquals(expected.size(), rows.size(), "one row per photograph");
        opaquePngsMatch(expected, rows, 15);
        confidentJpegsAgree(expected, rows, 10);
    }

    private static void opaquePngsMatch(List<Expected> expected, Map<String, Row> byName, int atLeast) {
        int checked = 0;
        double worst = 0;
        for (Expected e : expected) {
            if (!e.format().equals("PNG") || e.hasTransparency()) continue;
            Row r = byName.get(e.fileName());
            assertEquals("ok", r.getString(r.fieldIndex("status")), e.file() + ": " + r);
            assertEquals(e.top1(), r.getInt(r.fieldIndex("label_index")), e.file());
            float[] probs = probabilities(r);
            float[] ref = e.probs();
            for (int c = 0; c < ref.length; c++) {
                worst = Math.max(worst, Math.abs(probs[c] - ref[c]));
                assertEquals(ref[c], probs[c], 1e-4, e.file() + " class " + c);
            }
            checked++;
        }
        System.out.printf("opaque PNGs: %d checked, max |p - p_ref| = %.2e%n", checked, worst);
        assertTrue(checked >= atLeast, "too few opaque PNGs checked: " + checked);
    }

    private static void confidentJpegsAgree(List<Expected> expected, Map<String, Row> byName, int atLeast) {
        int checked = 0;
        for (Expected e : expected) {
            if (!e.format().equals("JPEG") || e.top1Margin() <= 0.2) continue;
            Row r = byName.get(e.fileName());
            assertEquals("ok", r.getString(r.fieldIndex("status")), e.file());
            assertEquals(e.top1(), r.getInt(r.fieldIndex("label_index")), e.file());
            checked++;
        }
        assertTrue(checked >= atLeast, "too few confident JPEGs: " + checked);
    }

    @Test
    void everyRowHasTheOutputContract() {
        for (Row r : byName.values()) {
            assertTrue(r.getString(r.fieldIndex("model_sha256")).matches("[0-9a-f]{64}"));
            if (r.getString(r.fieldIndex("status")).equals("ok")) {
                assertTrue(r.isNullAt(r.fieldIndex("error_code")));
                List<Row> top = r.getList(r.fieldIndex("top_k"));
                assertEquals(5, top.size()); // min(5, classes) with 5 classes
                assertEquals(r.getString(r.fieldIndex("label")), top.get(0).getString(1));
                assertTrue(r.getInt(r.fieldIndex("width")) > 0 && r.getInt(r.fieldIndex("height")) > 0);
            } else {
                assertTrue(!r.isNullAt(r.fieldIndex("error_code")) && !r.getString(r.fieldIndex("error_message")).isBlank());
            }
        }
    }

    @Test
    void statsAddUpToThePredictionsAndSummaryIsWritten() throws IOException {
        Dataset<Row> stats = TestSpark.session().read().parquet(out.resolve("stats").toString());
        long images = stats.agg(org.apache.spark.sql.functions.sum("images")).first().getLong(0);
        assertEquals(fileCount, images);
        assertEquals(stats.count(), stats.select("partition").distinct().count(), "one stats row per partition");
        for (Row r : stats.collectAsList()) {
            assertEquals(1, r.getInt(r.fieldIndex("sessions_created")));
            assertTrue(r.getLong(r.fieldIndex("inference_ns")) > 0);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) TestJson.parse(Files.readString(out.resolve("summary.json")));
        assertEquals((double) fileCount, summary.get("images"));
        assertEquals(summary.get("images"), (Double) summary.get("ok") + (Double) summary.get("errors"));
        assertTrue(console.contains("images/s"), console);
    }

    /** A first run shows the answer: label counts (and error codes) in summary.json and in the console table. */
    @Test
    void summaryAndTableShowTheLabels() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) TestJson.parse(Files.readString(out.resolve("summary.json")));
        @SuppressWarnings("unchecked")
        Map<String, Double> labels = (Map<String, Double>) summary.get("labels");
        Map<String, Double> expected = new HashMap<>();
        for (Row r : byName.values()) {
            if (r.getAs("status").equals("ok")) expected.merge(r.getAs("label"), 1.0, Double::sum);
        }
        assertEquals(expected, labels);
        assertEquals(summary.get("ok"), labels.values().stream().mapToDouble(Double::doubleValue).sum());
        String top = expected.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertTrue(console.lines().anyMatch(l -> l.contains("labels") && l.contains(top)), console);
        assertTrue(summary.containsKey("error_codes"));
    }

    @Test
    void helpShowsAnExampleThatRunsFromTheCloneAndWrapsOnce() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, ClassifyCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), "--help"));
        String help = buf.toString(StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Example: scripts/classify.sh --input (\\S+)").matcher(help);
        assertTrue(m.find(), help);
        assertTrue(Files.isDirectory(Path.of(m.group(1))), "the example's input must exist in the clone: " + m.group(1));
        // Picocli wraps each description paragraph itself: no line of the description may end early
        // because of a hard break inside a sentence (the old text broke after "and writes").
        assertTrue(help.contains("Classifies every image file under --input"), help);
        assertTrue(help.lines().noneMatch(l -> l.strip().endsWith("and writes")), help);
    }

    /** A hostile model card is a model-card error (exit 5) with one line, never a crash (exit 1). */
    @Test
    void truncatedOrDeeplyNestedCardIsExit5() throws IOException {
        Path truncated = Files.writeString(tmp.resolve("truncated.card.json"), "{\"name\": \"x\", \"input\": {\"width\": 2");
        Path deep = Files.writeString(tmp.resolve("deep.card.json"), "[".repeat(200_000));
        Path wrongTypes = Files.writeString(tmp.resolve("types.card.json"), "{\"name\": 1, \"input\": [], \"preprocess\": {}, \"output\": {}}");
        for (Path card : List.of(truncated, deep, wrongTypes)) {
            assertEquals(JobException.EXIT_MODEL, run("--input", "samples", "--output", tmp.resolve("card-" + card.getFileName()).toString(),
                    "--model-card", card.toString(), "--master", "local[1]"), card.toString());
        }
    }

    @Test
    void existingOutputNeedsOverwrite() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8),
                "--input", ReferenceData.nsfwDir().resolve("images").toString(), "--output", out.toString(), "--master", "local[2]");
        assertEquals(JobException.EXIT_OUTPUT_EXISTS, exit, buf.toString(StandardCharsets.UTF_8));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("--overwrite"));
    }

    @Test
    void badArgumentsMissingInputAndBadModelsExitNonZeroWithOneLine() throws IOException {
        assertEquals(2, run("--output", tmp.resolve("x").toString()));
        assertEquals(2, run("--input", "a", "--output", "b", "--batch-size", "0"));
        assertEquals(2, run("--input", "a", "--output", "b", "--overwrite", "--resume"));
        assertEquals(2, run("--input", "a", "--output", "b", "--commit-every", "0"));
        assertEquals(2, run("--input", "a", "--output", "b", "--format", "orc"));
        assertEquals(JobException.EXIT_INPUT, run("--input", tmp.resolve("nope").toString(), "--output", tmp.resolve("o1").toString()));
        Path notAModel = Files.writeString(tmp.resolve("bad.onnx"), "not a model");
        assertEquals(JobException.EXIT_MODEL, run("--input", tmp.toString(), "--output", tmp.resolve("o2").toString(),
                "--model", notAModel.toString()));
        assertEquals(JobException.EXIT_MODEL, run("--input", tmp.toString(), "--output", tmp.resolve("o3").toString(),
                "--model", tmp.resolve("missing.onnx").toString()));
    }

    private static int run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
        String text = buf.toString(StandardCharsets.UTF_8);
        if (exit > 2) assertTrue(text.strip().startsWith("classify: "), text);
        return exit;
    }

    static float[] probabilities(Row r) {
        List<Row> top = r.getList(r.fieldIndex("top_k"));
        float[] p = new float[top.size()];
        for (Row t : top) p[t.getInt(0)] = t.getFloat(2);
        return p;
    }
}
