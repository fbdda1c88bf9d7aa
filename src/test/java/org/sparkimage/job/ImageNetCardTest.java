package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.SeededWeights;
import org.sparkimage.testing.TestSpark;

/**
 * The shipped card for the ONNX model zoo's mobilenetv2-12 (NCHW, shorter side 256 + centre crop
 * 224, ImageNet mean/std, 1000 logits, labels file). Those weights cannot be downloaded here, so
 * the path is exercised with a seeded 1000-class MobileNetV2 built by the spec with the same
 * input/output names, passed to the CLI with {@code --model-card}.
 */
class ImageNetCardTest {
    private static final Path CARD = Path.of("conf/models/onnx-zoo-mobilenetv2-12.card.json");

    @TempDir
    Path tmp;

    @Test
    void theCardReadsItsLabelsFile() throws Exception {
        ModelCard card = ModelCard.load(CARD);
        assertEquals(1000, card.numClasses());
        assertEquals("tench, Tinca tinca", card.labels().get(0));
        assertEquals("toilet tissue, toilet paper, bathroom tissue", card.labels().get(999));
        assertEquals(ModelCard.Layout.NCHW, card.input().layout());
        assertEquals(ModelCard.Resize.SHORTER_SIDE_CROP, card.preprocess().resize());
        assertEquals(256, card.preprocess().resizeShorter());
        assertEquals(ModelCard.OutputKind.LOGITS, card.output().kind());
        assertEquals("input", card.input().name());
        assertEquals("output", card.output().name());
        assertNull(card.output().features());
        String json = Files.readString(CARD);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCard.fromJson(json));
        assertTrue(e.getMessage().contains("labels_file"), e.getMessage());
    }

    @Test
    void aZooStyleModelRunsThroughTheJobWithTheCardFile() throws Exception {
        ModelCard zoo = ModelCard.load(CARD);
        // The seeded model carries numbered labels in its own metadata: rows with ImageNet names
        // prove that --model-card, not the embedded card, fed the job.
        ModelCard embedded = zoo.withOutput(new ModelCard.Output(zoo.output().name(), zoo.output().kind(), null,
                ModelCard.numberedLabels(1000))).withProvenance("seeded", "seeded", "none");
        Path model = tmp.resolve("mobilenetv2-seeded.onnx");
        Files.write(model, MobileNetV2OnnxWriter.write(MobileNetV2Spec.imagenet(0.35, 224, 1000), new SeededWeights(7),
                embedded, MobileNetV2OnnxWriter.Options.defaults()));

        TestSpark.session();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--input", "samples",
                "--output", tmp.resolve("out").toString(), "--model", model.toString(), "--model-card", CARD.toString(),
                "--master", "local[2]", "--progress-seconds", "0");
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));

        Set<String> imagenet = new HashSet<>(zoo.labels());
        List<Row> rows = TestSpark.session().read().parquet(tmp.resolve("out/predictions").toString()).collectAsList();
        assertEquals(7, rows.size());
        for (Row r : rows) {
            assertEquals("ok", r.getAs("status"), String.valueOf(r));
            assertTrue(imagenet.contains(r.<String>getAs("label")), "label " + r.getAs("label"));
            List<Row> top = r.getList(r.fieldIndex("top_k"));
            assertEquals(5, top.size());
            double sum = 0;
            for (int i = 0; i < top.size(); i++) {
                float p = top.get(i).getFloat(2);
                assertTrue(p > 0 && p < 1, "softmax of logits: " + p);
                if (i > 0) assertTrue(p <= top.get(i - 1).getFloat(2), "top_k is sorted");
                sum += p;
            }
            assertTrue(sum < 1, "five of 1000 softmax probabilities: " + sum);
        }
    }
}
