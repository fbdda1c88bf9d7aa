package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.cli.QuantizeCommand;
import org.sparkimage.core.Quantization;
import org.sparkimage.model.DefaultModel;
import org.sparkimage.model.onnx.OnnxGraph;
import org.sparkimage.setup.JobException;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestJson;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.util.Sha256;

/** {@code --precision int8} through the CLI on a real local[2] SparkSession: the run, and each refusal. */
class Int8JobTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String console) {}

    private Run cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
        String console = buf.toString(StandardCharsets.UTF_8);
        System.out.println(console);
        return new Run(exit, console);
    }

    @Test
    void anInt8RunLabelsEveryFileAndSaysItIsInt8() throws IOException {
        Path images = ReferenceData.nsfwDir().resolve("images");
        long files;
        try (Stream<Path> s = Files.list(images)) {
            files = s.count();
        }
        Path out = tmp.resolve("out");
        Path cache = tmp.resolve("int8-cache");
        Run r = cli("--input", images.toString(), "--output", out.toString(), "--master", "local[2]", "--progress-seconds", "0",
                "--precision", "int8", "--int8-cache", cache.toString());
        assertEquals(0, r.exit(), r.console());
        assertTrue(r.console().contains("int8 calibration"), "the console summary reports it apart: " + r.console());
        assertTrue(r.console().contains("int8: calibrated on " + files + " image(s) (percentile, 0 skipped)"), r.console());
        assertTrue(r.console().contains("warning: int8 calibrated on " + files + " image(s), fewer than the "
                + Quantization.DEFAULT_CALIBRATION_IMAGES + " asked"), r.console());

        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) TestJson.parse(Files.readString(out.resolve("summary.json")));
        assertEquals("int8", summary.get("precision"));
        String sha = (String) summary.get("model_sha256");
        assertNotEquals(Sha256.hex(DefaultModel.bytes()), sha, "the int8 model is another model");
        List<Row> rows = TestSpark.session().read().parquet(out.resolve("predictions").toString()).collectAsList();
        assertEquals(files, rows.size());
        for (Row row : rows) {
            assertEquals("ok", row.getString(row.fieldIndex("status")), row.toString());
            assertEquals(sha, row.getString(row.fieldIndex("model_sha256")));
        }
        for (Row s : TestSpark.session().read().parquet(out.resolve("stats").toString()).collectAsList()) {
            assertEquals("int8", s.getString(s.fieldIndex("precision")));
        }
        assertCalibration(summary, "miss", files);

        Path again = tmp.resolve("again");
        Run rerun = cli("--input", images.toString(), "--output", again.toString(), "--master", "local[2]", "--progress-seconds", "0",
                "--precision", "int8", "--int8-cache", cache.toString());
        assertEquals(0, rerun.exit(), rerun.console());
        assertTrue(rerun.console().contains("reused from " + cache), rerun.console());
        @SuppressWarnings("unchecked")
        Map<String, Object> second = (Map<String, Object>) TestJson.parse(Files.readString(again.resolve("summary.json")));
        assertEquals(sha, second.get("model_sha256"), "the cached model is the model");
        assertCalibration(second, "hit", files);
    }

    /** summary.json's int8 step: apart from the job's rate, which is then higher. */
    private static void assertCalibration(Map<String, Object> summary, String cache, long images) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) summary.get("int8_calibration");
        assertEquals(cache, c.get("cache"), summary.toString());
        assertEquals(images, ((Number) c.get("images")).longValue());
        assertTrue(((Number) c.get("seconds")).doubleValue() > 0, summary.toString());
        assertTrue(((Number) summary.get("images_per_sec_after_calibration")).doubleValue()
                > ((Number) summary.get("images_per_sec")).doubleValue(), summary.toString());
    }

    @Test
    void aCalibrationFolderWithNoImageIsExit5() throws IOException {
        Path junk = Files.createDirectories(tmp.resolve("junk"));
        Files.writeString(junk.resolve("a.jpg"), "not a jpeg");
        Files.write(junk.resolve("b.png"), new byte[0]);
        Run r = cli("--input", ReferenceData.nsfwDir().resolve("images").toString(), "--output", tmp.resolve("o1").toString(),
                "--master", "local[1]", "--precision", "int8", "--calibration", junk.toString());
        assertEquals(JobException.EXIT_MODEL, r.exit(), r.console());
        assertTrue(r.console().contains("int8 calibration: none of the 2 calibration files decoded in " + junk), r.console());
        assertTrue(!Files.exists(tmp.resolve("o1")), "nothing written");
    }

    @Test
    void tooFewDecodableImagesIsExit5() throws IOException {
        Path few = Files.createDirectories(tmp.resolve("few"));
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            for (Path p : s.sorted().limit(3).toList()) Files.copy(p, few.resolve(p.getFileName()));
        }
        Run r = cli("--input", few.toString(), "--output", tmp.resolve("o2").toString(), "--master", "local[1]",
                "--precision", "int8");
        assertEquals(JobException.EXIT_MODEL, r.exit(), r.console());
        assertTrue(r.console().contains("only 3 image(s) decoded (0 skipped), at least 8 are needed among the first files of the input;"
                + " pass --calibration <folder of photographs>"), r.console());
    }

    @Test
    void aModelTheProductDidNotWriteIsExit5WithAWayOut() throws IOException {
        OnnxGraph g = new OnnxGraph("opaque");
        g.input("input", 224, 224, 3);
        g.output("output", 5);
        g.node("ReduceMean", "output", "input").attrInts("axes", 1, 2).attrInt("keepdims", 0).add();
        Path model = tmp.resolve("opaque.onnx");
        Files.write(model, g.toModelBytes("someone else", "1", ""));
        Path card = tmp.resolve("card.json");
        Files.writeString(card, DefaultModel.embeddedCard(DefaultModel.bytes()).toJson());
        Run r = cli("--input", ReferenceData.nsfwDir().resolve("images").toString(), "--output", tmp.resolve("o3").toString(),
                "--master", "local[1]", "--model", model.toString(), "--model-card", card.toString(), "--precision", "int8");
        assertEquals(JobException.EXIT_MODEL, r.exit(), r.console());
        // The adopter looked at the graph first and says why it is no MobileNetV2.
        assertTrue(r.console().contains("int8 needs a MobileNetV2 this project wrote, imported or can recognise: "), r.console());
        assertTrue(r.console().contains("input 'input' has 224 channels, expected 3 (RGB)"), r.console());
        assertTrue(r.console().contains("; run it with --precision fp32"), r.console());
    }

    @Test
    void aModelQuantizedOnceRunsWithoutCalibratingAgain() throws IOException {
        Path images = ReferenceData.nsfwDir().resolve("images");
        Path model = tmp.resolve("models/int8.onnx");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = QuantizeCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), "--calibration", images.toString(),
                "--output", model.toString());
        assertEquals(0, exit, buf.toString(StandardCharsets.UTF_8));
        Path out = tmp.resolve("from-file");
        Run r = cli("--input", images.toString(), "--output", out.toString(), "--master", "local[2]", "--progress-seconds", "0",
                "--model", model.toString(), "--precision", "int8");
        assertEquals(0, r.exit(), r.console());
        assertTrue(!r.console().contains("calibrated"), "no second calibration: " + r.console());
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) TestJson.parse(Files.readString(out.resolve("summary.json")));
        assertEquals("int8", summary.get("precision"));
        assertEquals(Sha256.hex(Files.readAllBytes(model)), summary.get("model_sha256"));
        assertEquals(JobException.EXIT_MODEL, QuantizeCommand.execute(new PrintStream(new ByteArrayOutputStream()),
                "--model", model.toString(), "--calibration", images.toString(), "--output", tmp.resolve("again.onnx").toString()),
                "an int8 model is not quantized again");
    }
}
