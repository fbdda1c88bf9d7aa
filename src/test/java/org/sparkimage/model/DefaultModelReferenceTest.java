package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.ReferenceData.Expected;

/**
 * The shipped default model against the outputs of its reference runtime (nsfwjs on tfjs), on the
 * exact saved input tensors, so that the model is checked apart from decoding.
 */
class DefaultModelReferenceTest {
    private static final double TOLERANCE = 1e-4;
    private static OrtEngine engine;
    private static List<Expected> withTensors;
    private static java.nio.file.Path dir;

    @BeforeAll
    static void load() throws Exception {
        byte[] model = DefaultModel.bytes();
        engine = new OrtEngine(model, DefaultModel.embeddedCard(model), 1);
        dir = ReferenceData.nsfwDir();
        withTensors = tensors(dir);
        // The shipped subset: two JPEGs and two PNGs (16-bit RGB, palette) of scikit-image.
        assertEquals(4, withTensors.size(), "shipped tensors");
    }

    private static List<Expected> tensors(java.nio.file.Path nsfwDir) {
        return ReferenceData.nsfwExpected(nsfwDir).stream().filter(e -> e.tensorFile() != null).toList();
    }

    @Test
    void probabilitiesMatchOnTheFullSetsTensors() throws Exception {
        java.nio.file.Path full = ReferenceData.fullNsfwDir();
        List<Expected> all = tensors(full);
        assertTrue(all.size() >= 20, "the full reference folder should ship at least 20 tensors: " + all.size());
        System.out.printf("full set, batch 1: max |p - p_ref| = %.2e%n", batchOne(full, all));
        System.out.printf("full set, batch 8: max |p - p_ref| = %.2e%n", batchEight(full, all));
    }

    @AfterAll
    static void close() throws Exception {
        engine.close();
    }

    @Test
    void embeddedCardIsTheDocumentedOne() throws Exception {
        ModelCard card = DefaultModel.embeddedCard(DefaultModel.bytes());
        assertEquals(ModelCard.load(java.nio.file.Path.of("conf/models/nsfwjs-mobilenetv2.card.json")), card);
        assertEquals(List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy"), card.labels());
    }

    @Test
    void probabilitiesMatchAtBatchOne() throws Exception {
        double worst = batchOne(dir, withTensors);
        System.out.printf("default model vs reference, batch 1: max |p - p_ref| = %.2e over %d tensors%n", worst, withTensors.size());
    }

    private static double batchOne(java.nio.file.Path nsfwDir, List<Expected> withTensors) throws Exception {
        double worst = 0;
        for (Expected e : withTensors) {
            FloatBuffer in = direct(ReferenceData.readFloats(nsfwDir.resolve(e.tensorFile())));
            OrtEngine.Output out = engine.run(in, 1, true);
            worst = Math.max(worst, check(e, out.scores(), 0));
            float[] features = ReferenceData.readFloats(nsfwDir.resolve(e.featuresFile()));
            for (int i = 0; i < features.length; i++) {
                assertEquals(features[i], out.features()[i], TOLERANCE, e.file() + " feature " + i);
            }
        }
        return worst;
    }

    @Test
    void probabilitiesMatchAtBatchEight() throws Exception {
        // The 4 shipped tensors twice over: a full batch of 8.
        List<Expected> eight = java.util.stream.Stream.concat(withTensors.stream(), withTensors.stream()).toList();
        System.out.printf("default model vs reference, batch 8: max |p - p_ref| = %.2e%n", batchEight(dir, eight));
    }

    private static double batchEight(java.nio.file.Path nsfwDir, List<Expected> withTensors) throws Exception {
        int size = engine.card().tensorSize();
        double worst = 0;
        for (int start = 0; start < withTensors.size(); start += 8) {
            List<Expected> chunk = withTensors.subList(start, Math.min(start + 8, withTensors.size()));
            FloatBuffer in = ByteBuffer.allocateDirect(8 * size * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < chunk.size(); i++) {
                in.put(i * size, ReferenceData.readFloats(nsfwDir.resolve(chunk.get(i).tensorFile())));
            }
            OrtEngine.Output out = engine.run(in, chunk.size(), false);
            for (int i = 0; i < chunk.size(); i++) worst = Math.max(worst, check(chunk.get(i), out.scores(), i));
        }
        return worst;
    }

    private static double check(Expected e, float[] scores, int row) {
        float[] ref = e.probs();
        double worst = 0;
        int top = 0;
        for (int c = 0; c < ref.length; c++) {
            float p = scores[row * ref.length + c];
            worst = Math.max(worst, Math.abs(p - ref[c]));
            assertEquals(ref[c], p, TOLERANCE, e.file() + " class " + c);
            if (p > scores[row * ref.length + top]) top = c;
        }
        assertEquals(e.top1(), top, e.file() + " top-1");
        return worst;
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(values).flip();
        return b;
    }
}
