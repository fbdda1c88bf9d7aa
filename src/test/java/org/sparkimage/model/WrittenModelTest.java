package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sparkimage.model.onnx.OnnxGraph;
import org.sparkimage.model.onnx.OnnxModelInfo;

class WrittenModelTest {
    @Test
    void theShippedModelReadsBackToTheSameWeights() {
        byte[] shipped = DefaultModel.bytes();
        WrittenModel m = WrittenModel.read(shipped);
        assertEquals("mobilenetv2-1.0-224-c5", m.spec().id());
        assertEquals(Padding.TF_SAME, m.spec().padding());
        assertEquals(DefaultModel.embeddedCard(shipped), m.card());
        byte[] again = MobileNetV2OnnxWriter.write(m.spec(), m.weights(), m.card(), MobileNetV2OnnxWriter.Options.defaults());
        Map<String, String> before = OnnxModelInfo.read(shipped).metadata();
        Map<String, String> after = OnnxModelInfo.read(again).metadata();
        assertEquals(before.get(MobileNetV2OnnxWriter.META_WEIGHTS_SHA256), after.get(MobileNetV2OnnxWriter.META_WEIGHTS_SHA256),
                "every initializer byte, in order");
        assertEquals(before.get(MobileNetV2OnnxWriter.META_ARCHITECTURE), after.get(MobileNetV2OnnxWriter.META_ARCHITECTURE));
    }

    @Test
    void architectureJsonRoundTrips() {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.35, 96, new Head(java.util.List.of(new Head.DenseLayer(64, Activation.RELU),
                new Head.DenseLayer(3, Activation.SOFTMAX))), Padding.SYMMETRIC);
        assertEquals(spec, ArchitectureJson.read(ArchitectureJson.write(spec)));
        assertThrows(IllegalArgumentException.class, () -> ArchitectureJson.read("{\"family\":\"ResNet\"}"));
        assertThrows(IllegalArgumentException.class, () -> ArchitectureJson.read("{\"family\":\"MobileNetV2\",\"width\":1}"));
        assertThrows(IllegalArgumentException.class, () -> ArchitectureJson.read("{not json"));
    }

    @Test
    void aGraphWithoutTheProjectsMetadataIsRefused() {
        OnnxGraph g = new OnnxGraph("opaque");
        g.input("x", 3);
        g.output("y", 3);
        g.node("Relu", "y", "x").add();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WrittenModel.read(g.toModelBytes("someone else", "1", "")));
        assertTrue(e.getMessage().contains("not written by this project"), e.getMessage());
    }
}
