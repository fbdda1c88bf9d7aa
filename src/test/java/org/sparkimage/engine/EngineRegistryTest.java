package org.sparkimage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.SeededWeights;
import org.sparkimage.util.Sha256;

/** The registry hands out one engine per model AND card: the same bytes with another card get that card's outputs. */
class EngineRegistryTest {

    private static ModelCard card(String features) {
        ModelCard c = ModelCard.imagenet("registry-test", 96, ModelCard.numberedLabels(10), "seeded", "none");
        return c.withOutput(new ModelCard.Output(c.output().name(), c.output().kind(), features, c.labels()));
    }

    @Test
    void sameModelBytesWithAnotherCardGetThatCardsOutputs() throws Exception {
        MobileNetV2Spec spec = MobileNetV2Spec.imagenet(0.35, 96, 10);
        ModelCard withFeatures = card("features");
        ModelCard withoutFeatures = card(null);
        // A seed no other test uses, so this JVM has no engine for these bytes yet.
        byte[] model = MobileNetV2OnnxWriter.write(spec, new SeededWeights(424242), withFeatures,
                MobileNetV2OnnxWriter.Options.defaults());
        String sha = Sha256.hex(model);

        OrtEngine plain = EngineRegistry.get(sha, () -> model, withoutFeatures, 1);
        assertEquals(0, plain.featureSize());
        assertEquals(1, EngineRegistry.sessionsCreated(sha));

        OrtEngine embedding = EngineRegistry.get(sha, () -> model, withFeatures, 1);
        assertNotSame(plain, embedding);
        assertEquals(withFeatures, embedding.card());
        assertEquals(spec.lastChannels(), embedding.featureSize());
        FloatBuffer input = FloatBuffer.allocate(2 * withFeatures.tensorSize());
        for (int i = 0; i < input.capacity(); i++) input.put(i, (i % 97) / 97f);
        OrtEngine.Output out = embedding.run(input, 2, true);
        assertNotNull(out.features());
        assertEquals(2 * spec.lastChannels(), out.features().length);
        assertNull(plain.run(input, 2, true).features());

        // Still one session per model and card: asking again (with an equal card) reuses it.
        assertSame(embedding, EngineRegistry.get(sha, () -> model, card("features"), 1));
        assertSame(plain, EngineRegistry.get(sha, () -> model, card(null), 1));
        assertEquals(2, EngineRegistry.sessionsCreated(sha));
        assertEquals(1, EngineRegistry.sessionsCreated(sha, withFeatures));
        assertEquals(1, EngineRegistry.sessionsCreated(sha, withoutFeatures));
    }
}
