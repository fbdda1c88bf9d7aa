package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sparkimage.model.onnx.OnnxModelInfo;
import org.sparkimage.util.Sha256;

/** Cards and model metadata through Jackson, byte for byte as the shipped model was written. */
class ModelCardJsonTest {
    @Test
    void theShippedModelsMetadataIsWhatTheWriterWritesToday() {
        Map<String, String> meta = OnnxModelInfo.read(DefaultModel.bytes()).metadata();
        ModelCard card = DefaultModel.embeddedCard(DefaultModel.bytes());
        assertEquals(meta.get(MobileNetV2OnnxWriter.META_CARD), card.toJson(), "card JSON layout");
        assertEquals(meta.get(MobileNetV2OnnxWriter.META_LABELS), "[\"Drawing\",\"Hentai\",\"Neutral\",\"Porn\",\"Sexy\"]");
        assertEquals(ModelCard.fromJson(card.toJson()), card);
    }

    @Test
    void theSameSpecWeightsAndCardGiveTheSameBytes() {
        MobileNetV2Spec spec = MobileNetV2Spec.imagenet(0.35, 96, 10);
        ModelCard card = ModelCard.imagenet("repro", 96, ModelCard.numberedLabels(10), "seeded", "none");
        byte[] a = MobileNetV2OnnxWriter.write(spec, new SeededWeights(3), card, MobileNetV2OnnxWriter.Options.defaults());
        byte[] b = MobileNetV2OnnxWriter.write(spec, new SeededWeights(3), card, MobileNetV2OnnxWriter.Options.defaults());
        assertEquals(Sha256.hex(a), Sha256.hex(b));
        assertArrayEquals(a, b);
        assertTrue(ArchitectureJson.write(spec).startsWith("{\"family\":\"MobileNetV2\",\"width\":0.35,"));
    }

    @Test
    void malformedCardsAreIllegalArguments() {
        for (String bad : new String[] {"", "{", "{\"name\":\"x\"", "[]", "{\"name\":\"x\",\"input\":1}",
                "{\"name\":\"x\",\"input\":{\"width\":1e12,\"height\":1},\"preprocess\":{},\"output\":{\"labels\":[\"a\"]}}",
                "{\"name\":\"x\",\"input\":{\"width\":2,\"height\":2},\"preprocess\":{\"mean\":[1]},\"output\":{\"labels\":[\"a\"]}}",
                "{\"name\":\"x\",\"input\":{\"width\":2,\"height\":2},\"preprocess\":{},\"output\":{\"labels\":[]}}",
                "[".repeat(50_000)}) {
            assertThrows(IllegalArgumentException.class, () -> ModelCard.fromJson(bad), bad.length() > 80 ? bad.substring(0, 80) : bad);
        }
    }
}
