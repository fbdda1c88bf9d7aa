package org.sparkimage.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkimage.model.Activation;
import org.sparkimage.model.BatchNorm;
import org.sparkimage.model.ChannelRule;
import org.sparkimage.model.Head;
import org.sparkimage.model.Layer;
import org.sparkimage.model.LayerWeights;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.Padding;
import org.sparkimage.model.SeededWeights;
import org.sparkimage.model.WeightSource;
import org.sparkimage.model.WrittenModel;

/**
 * The adopter recovers spec and weights from graph structure alone: from this project's own graphs
 * with their metadata stripped (bit-exact), from PyTorch-style graphs with separate BatchNorm nodes
 * and a MatMul head (folded), and it refuses graphs that are not a MobileNetV2 with a reason.
 */
class OnnxMobileNetV2AdopterTest {

    private static final Head MLP_SOFTMAX = new Head(List.of(new Head.DenseLayer(32, Activation.RELU),
            new Head.DenseLayer(4, Activation.SOFTMAX)));

    static List<Object[]> ownGraphs() {
        return List.of(
                new Object[] {new MobileNetV2Spec(0.35, 96, Head.classifier(5), Padding.SYMMETRIC, ChannelRule.DIVISIBLE8), false, false},
                new Object[] {new MobileNetV2Spec(0.35, 96, Head.classifier(5), Padding.TF_SAME, ChannelRule.SEED), false, true},
                new Object[] {new MobileNetV2Spec(0.5, 128, Head.classifier(10), Padding.TF_SAME, ChannelRule.SEED), false, false},
                new Object[] {new MobileNetV2Spec(0.75, 160, MLP_SOFTMAX, Padding.TF_SAME, ChannelRule.DIVISIBLE8), true, false},
                new Object[] {new MobileNetV2Spec(1.0, 224, Head.classifier(1000), Padding.SYMMETRIC, ChannelRule.DIVISIBLE8), false, false},
                new Object[] {new MobileNetV2Spec(1.4, 96, Head.classifier(3), Padding.SYMMETRIC, ChannelRule.SEED), true, false},
                new Object[] {new MobileNetV2Spec(1.3, 128, Head.classifier(7), Padding.TF_SAME, ChannelRule.DIVISIBLE8), false, false});
    }

    @ParameterizedTest(name = "{0} nhwc={1} exposeLayers={2}")
    @MethodSource("ownGraphs")
    void ownGraphsWithoutMetadataAreAdoptedBitExact(MobileNetV2Spec spec, boolean nhwc, boolean exposeLayers) throws Exception {
        WeightSource seeded = new SeededWeights(11);
        ModelCard card = card(spec, nhwc ? "image" : "input", nhwc, spec.head().outputsProbabilities() ? "probs" : "logits");
        byte[] written = MobileNetV2OnnxWriter.write(spec, seeded, card, new MobileNetV2OnnxWriter.Options(exposeLayers, Map.of()));
        byte[] opaque = withoutMetadata(written);
        assertTrue(OnnxModelInfo.read(opaque).metadata().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> WrittenModel.read(opaque), "the copy must be opaque to WrittenModel");

        OnnxMobileNetV2Adopter.Adopted a = OnnxMobileNetV2Adopter.adopt(opaque);
        assertEquals(spec, a.spec());
        assertEquals(card.input().name(), a.inputName());
        assertEquals(nhwc, a.nhwc());
        assertEquals(card.output().name(), a.outputName());
        assertEquals(spec.head().outputsProbabilities(), a.softmax());
        assertSameWeights(spec, seeded, a.weights(), 0);

        byte[] again = MobileNetV2OnnxWriter.write(a.spec(), a.weights(), card, MobileNetV2OnnxWriter.Options.defaults());
        float[][] x = randomImages(2, spec.resolution(), 3);
        assertArrayEquals(run(opaque, card, x), run(again, card, x), "re-written graph computes the same");
    }

    @Test
    void separateBatchNormsWithTheirEpsilonAreFoldedAndAMatMulHeadTransposed() throws Exception {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.5, 96, new Head(List.of(new Head.DenseLayer(16, Activation.RELU),
                new Head.DenseLayer(6, Activation.NONE))), Padding.SYMMETRIC);
        TorchStyleGraph g = new TorchStyleGraph(spec, 5, 1e-3f);
        byte[] model = g.build(Mutation.NONE);

        OnnxMobileNetV2Adopter.Adopted a = OnnxMobileNetV2Adopter.adopt(model);
        assertEquals(spec, a.spec());
        assertEquals("logits", a.outputName());
        assertSameWeights(spec, g.expected, a.weights(), 0);

        ModelCard card = card(spec, "input", false, "logits");
        byte[] again = MobileNetV2OnnxWriter.write(a.spec(), a.weights(), card, MobileNetV2OnnxWriter.Options.defaults());
        float[][] x = randomImages(2, spec.resolution(), 4);
        float[][] expected = run(model, card, x);
        float[][] actual = run(again, card, x);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual[i][j], 1e-4 * (1 + Math.abs(expected[i][j])), "output " + i + "," + j);
            }
        }
    }

    @Test
    void aMaxPoolInTheMiddleIsNamed() {
        String m = refusal(Mutation.MAXPOOL_AFTER_STEM);
        assertTrue(m.contains("MaxPool") && m.contains("is not part of a MobileNetV2"), m);
    }

    @Test
    void aMissingReLU6IsNamed() {
        String m = refusal(Mutation.NO_RELU6_ON_BLOCK3_EXPAND);
        assertTrue(m.contains("has no activation") && m.contains("RELU6") && m.contains("block3_expand"), m);
    }

    @Test
    void aSkipConnectionFromTheWrongBlockIsNamed() {
        String m = refusal(Mutation.SKIP_FROM_TWO_BLOCKS_BACK);
        assertTrue(m.contains("Add") && m.contains("block5_add"), m);
    }

    @Test
    void aMissingResidualIsNamed() {
        String m = refusal(Mutation.NO_RESIDUAL_IN_BLOCK2);
        assertTrue(m.contains("residual add block2_add"), m);
    }

    @Test
    void aResNetStemIsNotAMobileNetV2() {
        OnnxGraph g = new OnnxGraph("resnet-ish");
        g.input("x", 3, 64, 64);
        g.initializer("w1", new float[64 * 3 * 7 * 7], 64, 3, 7, 7);
        g.node("Conv", "c1", "x", "w1").attrInts("kernel_shape", 7, 7).attrInts("strides", 2, 2).attrInts("pads", 3, 3, 3, 3).add();
        g.node("Relu", "r1", "c1").add();
        g.initializer("w2", new float[64 * 64 * 9], 64, 64, 3, 3);
        g.node("Conv", "c2", "r1", "w2").attrInts("kernel_shape", 3, 3).attrInts("pads", 1, 1, 1, 1).add();
        g.node("Relu", "r2", "c2").add();
        g.node("Add", "s", "r1", "r2").add();
        g.node("GlobalAveragePool", "p", "s").add();
        g.node("Flatten", "f", "p").attrInt("axis", 1).add();
        g.initializer("fc", new float[10 * 64], 10, 64);
        g.node("Gemm", "y", "f", "fc").attrInt("transB", 1).add();
        g.output("y", 10);
        NotMobileNetV2Exception e = assertThrows(NotMobileNetV2Exception.class,
                () -> OnnxMobileNetV2Adopter.adopt(g.toModelBytes("t", "1", "")));
        assertTrue(e.getMessage().contains("7x7/2 conv") && e.getMessage().contains("3x3/2"), e.getMessage());
    }

    @Test
    void externalDataIsRefused() {
        ProtoWriter external = new ProtoWriter().int64(1, 16).int64(1, 3).int64(1, 3).int64(1, 3).int64(2, 1).string(8, "w")
                .message(13, new ProtoWriter().string(1, "location").string(2, "model.onnx.data")).int64(14, 1);
        ProtoWriter graph = new ProtoWriter()
                .message(1, new ProtoWriter().string(1, "x").string(1, "w").string(2, "y").string(4, "Conv"))
                .string(2, "g").message(5, external)
                .message(11, valueInfo("x", 1, 3, 96, 96)).message(12, valueInfo("y", 1, 16, 94, 94));
        byte[] model = new ProtoWriter().int64(1, 7).message(7, graph).message(8, new ProtoWriter().string(1, "").int64(2, 13)).toByteArray();
        NotMobileNetV2Exception e = assertThrows(NotMobileNetV2Exception.class, () -> OnnxMobileNetV2Adopter.adopt(model));
        assertTrue(e.getMessage().startsWith("external data is not supported") && e.getMessage().contains("'w'"), e.getMessage());
    }

    @Test
    void quantizedGraphsAreRefused() {
        OnnxGraph g = new OnnxGraph("q");
        g.input("x", 3, 96, 96);
        g.initializer("s", new float[] {0.1f});
        g.uint8Initializer("z", new byte[] {0});
        g.node("QuantizeLinear", "y", "x", "s", "z").add();
        g.output("y", 3, 96, 96);
        NotMobileNetV2Exception e = assertThrows(NotMobileNetV2Exception.class,
                () -> OnnxMobileNetV2Adopter.adopt(g.toModelBytes("t", "1", "")));
        assertTrue(e.getMessage().contains("quantized") && e.getMessage().contains("QuantizeLinear"), e.getMessage());
    }

    @Test
    void aReLU6WithOtherBoundsIsNamed() {
        OnnxGraph g = new OnnxGraph("clip");
        g.input("x", 3, 96, 96);
        g.initializer("w", new float[16 * 27], 16, 3, 3, 3);
        g.initializer("lo", new float[] {0f});
        g.initializer("hi", new float[] {3f});
        g.node("Conv", "c", "x", "w").attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2).attrInts("pads", 1, 1, 1, 1).add();
        g.node("Clip", "y", "c", "lo", "hi").add();
        g.output("y", 16, 48, 48);
        NotMobileNetV2Exception e = assertThrows(NotMobileNetV2Exception.class,
                () -> OnnxMobileNetV2Adopter.adopt(g.toModelBytes("t", "1", "")));
        assertTrue(e.getMessage().contains("Clip") && e.getMessage().contains("[0.0, 3.0]"), e.getMessage());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String refusal(Mutation m) {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.5, 96, Head.classifier(4), Padding.SYMMETRIC);
        byte[] model = new TorchStyleGraph(spec, 3, 1e-5f).build(m);
        NotMobileNetV2Exception e = assertThrows(NotMobileNetV2Exception.class, () -> OnnxMobileNetV2Adopter.adopt(model));
        return e.getMessage();
    }

    private static void assertSameWeights(MobileNetV2Spec spec, WeightSource expected, WeightSource actual, float tolerance) {
        for (Layer l : spec.layers()) {
            if (l.kind() != Layer.Kind.CONV && l.kind() != Layer.Kind.DENSE) continue;
            LayerWeights e = l.kind() == Layer.Kind.CONV ? expected.conv(l) : expected.dense(l);
            LayerWeights a = l.kind() == Layer.Kind.CONV ? actual.conv(l) : actual.dense(l);
            assertArrayEquals(e.weight(), a.weight(), tolerance, l.name() + " weight");
            assertArrayEquals(e.bias(), a.bias(), tolerance, l.name() + " bias");
        }
    }

    private static ModelCard card(MobileNetV2Spec spec, String input, boolean nhwc, String output) {
        int r = spec.resolution();
        ModelCard base = ModelCard.imagenet("adopted", r, ModelCard.numberedLabels(spec.head().classes()), "", "");
        return new ModelCard("adopted",
                new ModelCard.Input(input, nhwc ? ModelCard.Layout.NHWC : ModelCard.Layout.NCHW, r, r, ModelCard.ChannelOrder.RGB),
                base.preprocess(),
                new ModelCard.Output(output, spec.head().outputsProbabilities() ? ModelCard.OutputKind.PROBABILITIES
                        : ModelCard.OutputKind.LOGITS, "features", base.output().labels()), "", "");
    }

    /** The model without its metadata (and doc string): an ONNX file that says nothing about itself. */
    static byte[] withoutMetadata(byte[] model) {
        ProtoReader r = new ProtoReader(model);
        ProtoWriter w = new ProtoWriter();
        while (r.more()) {
            int field = r.tag();
            if (field == 14 || field == 6) {
                r.skip();
            } else if (r.wireType() == 0) {
                w.int64(field, r.varint());
            } else {
                w.bytes(field, r.bytes());
            }
        }
        return w.toByteArray();
    }

    private static ProtoWriter valueInfo(String name, long... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) shape.message(1, new ProtoWriter().int64(1, d));
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, new ProtoWriter().int64(1, 1).message(2, shape)));
    }

    private static float[][] randomImages(int n, int resolution, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] x = new float[n][3 * resolution * resolution];
        for (float[] img : x) for (int i = 0; i < img.length; i++) img[i] = (float) rnd.nextDouble(-2, 2);
        return x;
    }

    /** Runs {@code model} on each image (laid out as the card says) and returns the card's output rows. */
    private static float[][] run(byte[] model, ModelCard card, float[][] images) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] out = new float[images.length][];
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, opts)) {
                for (int i = 0; i < images.length; i++) {
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(images[i]), card.inputShape(1));
                         OrtSession.Result r = session.run(Map.of(card.input().name(), in))) {
                        out[i] = ((float[][]) r.get(card.output().name()).orElseThrow().getValue())[0];
                    }
                }
            }
        }
        return out;
    }

    /** Ways {@link TorchStyleGraph} can get a MobileNetV2 wrong. */
    enum Mutation { NONE, MAXPOOL_AFTER_STEM, NO_RELU6_ON_BLOCK3_EXPAND, SKIP_FROM_TWO_BLOCKS_BACK, NO_RESIDUAL_IN_BLOCK2 }

    /**
     * A MobileNetV2 graph as an unoptimised PyTorch export spells it: bias-free convs each followed
     * by a BatchNormalization node (non-default epsilon), ReLU6 as Clip, ReduceMean + Flatten
     * pooling, Identity for dropout, MatMul ([in][out] weights) + Add dense layers. {@link #expected}
     * holds the folded weights the adopter should recover.
     */
    private static final class TorchStyleGraph {
        final MobileNetV2Spec spec;
        final long seed;
        final float epsilon;
        final Map<String, LayerWeights> folded = new HashMap<>();
        final WeightSource expected = new WeightSource() {
            @Override
            public LayerWeights conv(Layer layer) {
                return folded.get(layer.name());
            }

            @Override
            public LayerWeights dense(Layer layer) {
                return folded.get(layer.name());
            }

            @Override
            public String description() {
                return "expected";
            }
        };

        TorchStyleGraph(MobileNetV2Spec spec, long seed, float epsilon) {
            this.spec = spec;
            this.seed = seed;
            this.epsilon = epsilon;
        }

        byte[] build(Mutation mutation) {
            SeededWeights raw = new SeededWeights(seed);
            SplittableRandom rnd = new SplittableRandom(seed);
            OnnxGraph g = new OnnxGraph("torch-style");
            int r = spec.resolution();
            g.input("input", 3, r, r);
            g.initializer("six", new float[] {6f});
            g.initializer("zero", new float[] {0f});
            Map<String, String> tensorOf = new HashMap<>();
            tensorOf.put("input", "input");
            List<Layer> layers = spec.layers();
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                String in = tensorOf.get(l.inputs().get(0));
                String out = "t" + i;
                switch (l.kind()) {
                    case CONV -> {
                        LayerWeights w = raw.conv(l);
                        g.initializer(l.name() + ".w", w.weight(), l.out().channels(), l.in().channels() / l.groups(), l.kernel(), l.kernel());
                        int[] p = l.pads();
                        g.node("Conv", out + "c", in, l.name() + ".w").attrInts("kernel_shape", l.kernel(), l.kernel())
                                .attrInts("strides", l.stride(), l.stride()).attrInts("pads", p[0], p[1], p[2], p[3])
                                .attrInt("group", l.groups()).add();
                        BatchNorm bn = batchNorm(l.out().channels(), rnd);
                        String bnName = l.name() + ".bn";
                        g.initializer(bnName + ".g", bn.gamma(), l.out().channels());
                        g.initializer(bnName + ".b", bn.beta(), l.out().channels());
                        g.initializer(bnName + ".m", bn.mean(), l.out().channels());
                        g.initializer(bnName + ".v", bn.variance(), l.out().channels());
                        folded.put(l.name(), bn.foldInto(w.weight()));
                        boolean relu6 = l.activation() == Activation.RELU6
                                && !(mutation == Mutation.NO_RELU6_ON_BLOCK3_EXPAND && l.name().equals("block3_expand"));
                        g.node("BatchNormalization", relu6 ? out + "n" : out, out + "c", bnName + ".g", bnName + ".b", bnName + ".m",
                                bnName + ".v").attrFloat("epsilon", epsilon).add();
                        if (relu6) g.node("Clip", out, out + "n", "zero", "six").add();
                        if (mutation == Mutation.MAXPOOL_AFTER_STEM && l.name().equals("stem")) {
                            g.node("MaxPool", out + "p", out).attrInts("kernel_shape", 1, 1).add();
                            out = out + "p";
                        }
                    }
                    case ADD -> {
                        String skip = tensorOf.get(l.inputs().get(0));
                        String project = tensorOf.get(l.inputs().get(1));
                        if (mutation == Mutation.NO_RESIDUAL_IN_BLOCK2 && l.name().equals("block2_add")) {
                            out = project;
                        } else {
                            if (mutation == Mutation.SKIP_FROM_TWO_BLOCKS_BACK && l.name().equals("block5_add")) {
                                skip = tensorOf.get("block3_project"); // the output of block 3, not block 4
                            }
                            g.node("Add", out, skip, project).add();
                        }
                    }
                    case GLOBAL_AVG_POOL -> {
                        g.node("ReduceMean", out + "m", in).attrInts("axes", 2, 3).attrInt("keepdims", 1).add();
                        g.node("Flatten", out + "f", out + "m").attrInt("axis", 1).add();
                        g.node("Identity", out, out + "f").add();
                    }
                    case DENSE -> {
                        LayerWeights w = raw.dense(l);
                        int nIn = l.in().channels();
                        int nOut = l.out().channels();
                        float[] io = new float[w.weight().length];
                        for (int o = 0; o < nOut; o++) for (int k = 0; k < nIn; k++) io[k * nOut + o] = w.weight()[o * nIn + k];
                        float[] bias = new float[nOut];
                        for (int o = 0; o < nOut; o++) bias[o] = (float) rnd.nextDouble(-0.5, 0.5);
                        folded.put(l.name(), new LayerWeights(w.weight(), bias));
                        g.initializer(l.name() + ".kernel", io, nIn, nOut);
                        g.initializer(l.name() + ".bias", bias, nOut);
                        boolean last = i == layers.size() - 1;
                        String dense = last && l.activation() == Activation.NONE ? "logits" : out;
                        g.node("MatMul", dense + "mm", in, l.name() + ".kernel").add();
                        g.node("Add", l.activation() == Activation.NONE ? dense : out + "a", dense + "mm", l.name() + ".bias").add();
                        if (l.activation() == Activation.RELU) g.node("Relu", out, out + "a").add();
                        out = dense;
                    }
                }
                tensorOf.put(l.name(), out);
            }
            g.output("logits", spec.head().classes());
            return g.toModelBytes("torch-style test graph", "1", "");
        }

        private BatchNorm batchNorm(int c, SplittableRandom rnd) {
            float[] gamma = new float[c];
            float[] beta = new float[c];
            float[] mean = new float[c];
            float[] var = new float[c];
            for (int i = 0; i < c; i++) {
                gamma[i] = (float) rnd.nextDouble(0.5, 1.5);
                beta[i] = (float) rnd.nextDouble(-0.2, 0.2);
                mean[i] = (float) rnd.nextDouble(-0.2, 0.2);
                var[i] = (float) rnd.nextDouble(0.5, 1.5);
            }
            return new BatchNorm(gamma, beta, mean, var, epsilon); // float epsilon, as the node attribute stores it
        }
    }

    @Test
    void theDescriptionSaysWhereTheModelCameFrom() {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.5, 96, Head.classifier(4), Padding.SYMMETRIC);
        OnnxMobileNetV2Adopter.Adopted a = OnnxMobileNetV2Adopter.adopt(new TorchStyleGraph(spec, 1, 1e-5f).build(Mutation.NONE));
        assertTrue(a.description().contains("torch-style test graph") && a.description().contains(spec.id()), a.description());
        assertEquals(a.description(), a.weights().description());
        assertFalse(a.softmax());
    }
}
