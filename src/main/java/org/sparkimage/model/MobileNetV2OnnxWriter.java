package org.sparkimage.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.sparkimage.model.onnx.OnnxGraph;
import org.sparkimage.util.JsonFiles;

/**
 * Writes a {@link MobileNetV2Spec} with weights as an ONNX model (opset 13, dynamic batch, BatchNorm
 * folded into the convs). The graph input and outputs take their names and layout from the model
 * card, and the card itself travels in the model metadata ({@code model_card}), together with the
 * labels, architecture, provenance, licence and the sha256 of the weights.
 *
 * <p>Every layer's output tensor carries the layer's name, so {@link Options#exposeLayers} can list
 * them all as graph outputs and a runtime can check each shape against {@link MobileNetV2Spec#layers()}.
 */
public final class MobileNetV2OnnxWriter {

    /** Metadata keys written into every model. */
    public static final String META_CARD = "model_card";
    public static final String META_LABELS = "labels";
    public static final String META_ARCHITECTURE = "architecture";
    public static final String META_SOURCE = "source";
    public static final String META_LICENSE = "license";
    public static final String META_WEIGHTS_SHA256 = "weights_sha256";

    /**
     * @param exposeLayers also list every conv/add/pool output as a graph output (NCHW), for checks
     * @param extraMetadata more key/value pairs for the model metadata (e.g. source file hashes)
     */
    public record Options(boolean exposeLayers, Map<String, String> extraMetadata) {
        public static Options defaults() {
            return new Options(false, Map.of());
        }
    }

    private MobileNetV2OnnxWriter() {}

    public static byte[] write(MobileNetV2Spec spec, WeightSource weights, ModelCard card, Options options) {
        checkCard(spec, card);
        OnnxGraph g = new OnnxGraph(spec.id());
        int res = spec.resolution();
        String x;
        if (card.input().layout() == ModelCard.Layout.NHWC) {
            g.input(card.input().name(), res, res, 3);
            x = card.input().name() + "/nchw";
            g.node("Transpose", x, card.input().name()).attrInts("perm", 0, 3, 1, 2).add();
        } else {
            g.input(card.input().name(), 3, res, res);
            x = card.input().name();
        }
        g.initializer("relu6/min", new float[] {0f});
        g.initializer("relu6/max", new float[] {6f});

        String featuresName = card.output().features() != null ? card.output().features() : "features";
        List<Layer> layers = spec.layers();
        Map<String, String> tensorOf = new LinkedHashMap<>();
        tensorOf.put("input", x);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            boolean last = i == layers.size() - 1;
            String out = last ? card.output().name() : l.name();
            String in0 = tensorOf.get(l.inputs().get(0));
            switch (l.kind()) {
                case CONV -> {
                    LayerWeights w = checked(l, weights.conv(l));
                    int k = l.kernel();
                    g.initializer(l.name() + ".weight", w.weight(), l.out().channels(), l.in().channels() / l.groups(), k, k);
                    g.initializer(l.name() + ".bias", w.bias(), l.out().channels());
                    int[] p = l.pads();
                    String pre = l.activation() == Activation.NONE ? out : l.name() + "/conv";
                    g.node("Conv", pre, in0, l.name() + ".weight", l.name() + ".bias")
                            .attrInts("kernel_shape", k, k)
                            .attrInts("strides", l.stride(), l.stride())
                            .attrInts("pads", p[0], p[1], p[2], p[3])
                            .attrInts("dilations", 1, 1)
                            .attrInt("group", l.groups())
                            .add();
                    activation(g, l.activation(), pre, out);
                    tensorOf.put(l.name(), out);
                }
                case ADD -> {
                    g.node("Add", out, in0, tensorOf.get(l.inputs().get(1))).add();
                    tensorOf.put(l.name(), out);
                }
                case GLOBAL_AVG_POOL -> {
                    g.node("GlobalAveragePool", l.name(), in0).add();
                    g.node("Flatten", featuresName, l.name()).attrInt("axis", 1).add();
                    tensorOf.put(l.name(), featuresName);
                }
                case DENSE -> {
                    LayerWeights w = checked(l, weights.dense(l));
                    g.initializer(l.name() + ".weight", w.weight(), l.out().channels(), l.in().channels());
                    g.initializer(l.name() + ".bias", w.bias(), l.out().channels());
                    String pre = l.activation() == Activation.NONE ? out : l.name() + "/gemm";
                    g.node("Gemm", pre, in0, l.name() + ".weight", l.name() + ".bias").attrInt("transB", 1).add();
                    activation(g, l.activation(), pre, out);
                    tensorOf.put(l.name(), out);
                }
            }
        }
        g.output(card.output().name(), spec.head().classes());
        g.output(featuresName, spec.lastChannels());
        if (options.exposeLayers()) {
            for (Layer l : layers) {
                if (l.kind() == Layer.Kind.DENSE) continue;
                g.output(l.name(), l.out().channels(), l.out().height(), l.out().width());
            }
        }

        g.metadata(META_CARD, card.toJson());
        g.metadata(META_LABELS, JsonFiles.writeCompact(card.labels()));
        g.metadata(META_ARCHITECTURE, architectureJson(spec));
        g.metadata(META_SOURCE, card.source().isEmpty() ? weights.description() : card.source());
        g.metadata(META_LICENSE, card.license());
        g.metadata(META_WEIGHTS_SHA256, g.weightsSha256());
        options.extraMetadata().forEach(g::metadata);
        String doc = String.format(Locale.ROOT, "MobileNetV2 width %s, %dx%d, %d classes; %s",
                MobileNetV2Spec.formatWidth(spec.width()), res, res, spec.head().classes(), weights.description());
        return g.toModelBytes("spark-image-classifier", "0.1", doc);
    }

    private static void activation(OnnxGraph g, Activation a, String in, String out) {
        switch (a) {
            case NONE -> { }
            case RELU -> g.node("Relu", out, in).add();
            case RELU6 -> g.node("Clip", out, in, "relu6/min", "relu6/max").add();
            case SOFTMAX -> g.node("Softmax", out, in).attrInt("axis", 1).add();
        }
    }

    private static LayerWeights checked(Layer l, LayerWeights w) {
        if (w.weight().length != l.weightCount() || w.bias().length != l.out().channels()) {
            throw new IllegalArgumentException("weights of layer " + l.name() + " have " + w.weight().length + "+"
                    + w.bias().length + " values, the spec needs " + l.weightCount() + "+" + l.out().channels());
        }
        return w;
    }

    private static void checkCard(MobileNetV2Spec spec, ModelCard card) {
        if (card.input().width() != spec.resolution() || card.input().height() != spec.resolution()) {
            throw new IllegalArgumentException("card " + card.name() + " feeds " + card.input().width() + "x" + card.input().height()
                    + " but the model takes " + spec.resolution() + "x" + spec.resolution());
        }
        if (card.numClasses() != spec.head().classes()) {
            throw new IllegalArgumentException("card " + card.name() + " has " + card.numClasses() + " labels, the model "
                    + spec.head().classes() + " classes");
        }
        boolean probs = card.output().kind() == ModelCard.OutputKind.PROBABILITIES;
        if (probs != spec.head().outputsProbabilities()) {
            throw new IllegalArgumentException("card " + card.name() + " says " + card.output().kind()
                    + " but the head " + (probs ? "has no" : "ends in a") + " softmax");
        }
    }

    /**
     * The architecture as compact JSON, for the metadata: keys in a fixed order and an integral
     * width written as an integer ({@code "width":1}), so the same spec always gives the same bytes.
     */
    public static String architectureJson(MobileNetV2Spec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", "MobileNetV2");
        double width = spec.width();
        m.put("width", width == Math.rint(width) ? (Object) (long) width : (Object) width);
        m.put("resolution", spec.resolution());
        m.put("padding", spec.padding().name());
        List<Object> head = new ArrayList<>();
        for (Head.DenseLayer d : spec.head().layers()) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("activation", d.activation().name());
            layer.put("units", d.units());
            head.add(layer);
        }
        m.put("head", head);
        m.put("params", spec.params());
        m.put("macs", spec.macs());
        return JsonFiles.writeCompact(m);
    }
}
