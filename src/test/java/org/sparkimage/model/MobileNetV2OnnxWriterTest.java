package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.sparkimage.model.onnx.OnnxModelInfo;

/** Models built from the spec load in ONNX Runtime and compute exactly the shapes of the spec's table. */
class MobileNetV2OnnxWriterTest {

    static List<Object[]> grid() {
        List<Object[]> g = new java.util.ArrayList<>();
        for (double w : new double[] {0.35, 0.5, 0.75, 1.0, 1.4}) {
            for (int r : new int[] {96, 128, 160, 192, 224}) g.add(new Object[] {w, r});
        }
        return g;
    }

    @ParameterizedTest(name = "width {0} at {1}px")
    @MethodSource("grid")
    void everyLayerShapeAndTheParamCountMatchTheSpec(double width, int resolution) throws Exception {
        MobileNetV2Spec spec = MobileNetV2Spec.imagenet(width, resolution, 1000);
        ModelCard card = ModelCard.imagenet(spec.id(), resolution, ModelCard.numberedLabels(1000), "", "");
        byte[] model = MobileNetV2OnnxWriter.write(spec, new SeededWeights(7), card,
                new MobileNetV2OnnxWriter.Options(true, Map.of()));

        OnnxModelInfo info = OnnxModelInfo.read(model);
        assertTrue(info.opset() >= 13);
        assertEquals(List.of("N", "3", "" + resolution, "" + resolution), info.inputs().get(0).dims());
        // BatchNorm folded: each BN channel's gamma + beta became one conv bias; +2 for the ReLU6 bounds.
        assertEquals(spec.params() - spec.batchNormChannels() + 2, info.initializerElements());
        if (width == 1.0 && resolution == 224) assertEquals(3_504_872L, spec.params());

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, opts)) {
                for (int batch : new int[] {1, 16}) {
                    float[] x = new float[batch * card.tensorSize()];
                    SplittableRandom rnd = new SplittableRandom(batch);
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-2, 2);
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), card.inputShape(batch));
                         OrtSession.Result out = session.run(Map.of("input", in))) {
                        for (Layer l : spec.layers()) {
                            long[] expected = l.kind() == Layer.Kind.DENSE
                                    ? new long[] {batch, l.out().channels()}
                                    : new long[] {batch, l.out().channels(), l.out().height(), l.out().width()};
                            String tensor = l.name().equals("classifier") ? "logits" : l.name();
                            long[] actual = ((OnnxTensor) out.get(tensor).orElseThrow()).getInfo().getShape();
                            assertArrayEquals(expected, actual, l.name() + " at batch " + batch);
                        }
                        float[][] logits = (float[][]) out.get("logits").orElseThrow().getValue();
                        float[][] features = (float[][]) out.get("features").orElseThrow().getValue();
                        assertEquals(spec.lastChannels(), features[0].length);
                        for (float[] row : logits) {
                            for (float v : row) assertTrue(Float.isFinite(v) && Math.abs(v) < 1e4, "logit " + v);
                        }
                        // Seeded weights must still tell inputs apart (activations neither vanish nor saturate).
                        if (batch > 1) assertTrue(maxAbsDiff(logits[0], logits[1]) > 1e-3);
                    }
                }
            }
        }
    }

    @Test
    void writingIsDeterministic() {
        MobileNetV2Spec spec = MobileNetV2Spec.imagenet(0.35, 96, 10);
        ModelCard card = ModelCard.imagenet("t", 96, ModelCard.numberedLabels(10), "", "");
        byte[] a = MobileNetV2OnnxWriter.write(spec, new SeededWeights(1), card, MobileNetV2OnnxWriter.Options.defaults());
        byte[] b = MobileNetV2OnnxWriter.write(spec, new SeededWeights(1), card, MobileNetV2OnnxWriter.Options.defaults());
        byte[] c = MobileNetV2OnnxWriter.write(spec, new SeededWeights(2), card, MobileNetV2OnnxWriter.Options.defaults());
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
        Map<String, String> meta = OnnxModelInfo.read(a).metadata();
        assertEquals(card, ModelCard.fromJson(meta.get(MobileNetV2OnnxWriter.META_CARD)));
        assertTrue(meta.get(MobileNetV2OnnxWriter.META_WEIGHTS_SHA256).matches("[0-9a-f]{64}"));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
