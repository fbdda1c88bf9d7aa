package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

class QdqTensorsTest {
    private static final MobileNetV2Spec SPEC = MobileNetV2Spec.imagenet(1.0, 224, 1000);

    @Test
    void theFloatPrefixIsNotCollected() {
        QdqTensors t = QdqTensors.of(SPEC, Set.of("stem", "block0_depthwise", "block0_project"));
        assertFalse(t.ranged().contains(MobileNetV2OnnxWriter.INPUT), t.ranged().toString());
        assertFalse(t.ranged().contains("stem"));
        assertFalse(t.ranged().contains("block0_depthwise"));
        assertTrue(t.ranged().contains("block0_project"), "read by the first int8 conv");
        assertTrue(t.averaged().contains("block0_project"), "its means correct that conv's bias");
        assertTrue(t.ranged().containsAll(t.averaged()));
    }

    @Test
    void anAllInt8GraphCollectsTheImageAndEveryConvOutput() {
        QdqTensors t = QdqTensors.of(SPEC, Set.of());
        assertTrue(t.ranged().contains(MobileNetV2OnnxWriter.INPUT));
        assertTrue(t.averaged().contains(MobileNetV2OnnxWriter.INPUT));
        for (Layer l : SPEC.layers()) {
            if (l.kind() == Layer.Kind.CONV) assertTrue(t.ranged().contains(l.name()), l.name());
        }
    }
}
