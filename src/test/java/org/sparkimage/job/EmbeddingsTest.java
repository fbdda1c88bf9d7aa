package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.setup.JobException;
import org.sparkimage.testing.ReferenceData.Expected;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

/**
 * {@code --embeddings}: the pooled 1280-d features as a Spark ML vector column. For opaque PNGs the
 * job's input tensors equal the reference runtime's bit for bit, so the embeddings must equal the
 * reference folder's saved features.
 */
class EmbeddingsTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    @Test
    void embeddingsMatchTheReferenceFeatures() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Map<String, Expected> expected = new HashMap<>();
        for (Expected e : ReferenceData.nsfwExpected()) {
            if (!e.format().equals("PNG") || e.hasTransparency() || e.featuresFile() == null) continue;
            Files.copy(ReferenceData.nsfwDir().resolve(e.file()), in.resolve(e.fileName()));
            expected.put(e.fileName(), e);
        }
        Files.writeString(in.resolve("not-an-image.jpg"), "hello");
        assertTrue(expected.size() >= 10, "opaque PNGs with features: " + expected.size());

        TestSpark.session();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--input", in.toString(),
                "--output", tmp.resolve("out").toString(), "--embeddings", "--master", "local[2]", "--progress-seconds", "0");
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));

        int compared = 0;
        double worst = 0;
        for (Row r : TestSpark.session().read().parquet(tmp.resolve("out/predictions").toString()).collectAsList()) {
            String path = r.getAs("path");
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.equals("not-an-image.jpg")) {
                assertTrue(r.isNullAt(r.fieldIndex(PredictionSchema.EMBEDDING)), "error rows have no embedding");
                continue;
            }
            Vector v = r.getAs(PredictionSchema.EMBEDDING);
            float[] ref = ReferenceData.readFloats(ReferenceData.nsfwDir().resolve(expected.get(name).featuresFile()));
            assertEquals(ref.length, v.size(), name);
            assertEquals(1280, v.size());
            for (int k = 0; k < ref.length; k++) {
                worst = Math.max(worst, Math.abs(v.apply(k) - ref[k]));
                assertEquals(ref[k], v.apply(k), TOLERANCE, name + " feature " + k);
            }
            compared++;
        }
        assertEquals(expected.size(), compared);
        System.out.printf("embeddings: %d images, max |f - f_ref| = %.2e%n", compared, worst);
    }

    @Test
    void aModelWithoutFeaturesRefusesEmbeddings() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TestSpark.session();
        int exit = ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--input", "samples",
                "--output", tmp.resolve("out2").toString(), "--embeddings", "--model-card",
                "conf/models/onnx-zoo-mobilenetv2-12.card.json", "--master", "local[2]");
        assertEquals(JobException.EXIT_MODEL, exit, log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("features"));
    }
}
