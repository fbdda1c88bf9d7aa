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

    @BeforeAll
    static void load() throws Exception {
        byte[] model = DefaultModel.bytes();
        engine = new OrtEngine(model, DefaultModel.embeddedCard(model), 1);
        withTensors = ReferenceData.nsfwExpected().stream().filter(e -> e.tensorFile() != null).toList();
        assertTrue(withTensors.size() >= 20, "reference folder should ship at least 20 tensors");
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
        double worst = 0;
        for (Expected e : withTensors) {
            FloatBuffer in = direct(ReferenceData.readFloats(ReferenceData.nsfwDir().resolve(e.tensorFile())));
            OrtEngine.Output out = engine.run(in, 1, true);
            worst = Math.max(worst, check(e, out.scores(), 0));
            float[] features = ReferenceData.readFloats(ReferenceData.nsfwDir().resolve(e.featuresFile()));
            for (int i = 0; i < features.length; i++) {
                assertEquals(features[i], out.features()[i], TOLERANCE, e.file() + " feature " + i);
            }
        }
        System.out.printf("default model vs reference, batch 1: max |p - p_ref| = %.2e over %d tensors%n", worst, withTensors.size());
    }

    @Test
    void probabilitiesMatchAtBatchEight() throws Exception {
        int size = engine.card().tensorSize();
        double worst = 0;
        for (int start = 0; start < withTensors.size(); start += 8) {
            List<Expected> chunk = withTensors.subList(start, Math.min(start + 8, withTensors.size()));
            FloatBuffer in = ByteBuffer.allocateDirect(8 * size * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < chunk.size(); i++) {
                in.put(i * size, ReferenceData.readFloats(ReferenceData.nsfwDir().resolve(chunk.get(i).tensorFile())));
            }
            OrtEngine.Output out = engine.run(in, chunk.size(), false);
            for (int i = 0; i < chunk.size(); i++) worst = Math.max(worst, check(chunk.get(i), out.scores(), i));
        }
        System.out.printf("default model vs reference, batch 8: max |p - p_ref| = %.2e%n", worst);
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
