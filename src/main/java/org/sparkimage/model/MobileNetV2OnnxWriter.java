package org.sparkimage.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.sparkimage.model.onnx.OnnxGraph;
import org.sparkimage.model.quant.ActivationRanges;
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
    /** Present on quantized models only: {@code int8}. */
    public static final String META_PRECISION = "precision";
    /** Present on quantized models only: calibration method, image count and digest as JSON. */
    public static final String META_CALIBRATION = "calibration";
    /** The name of the image tensor among the layer names (what {@link Layer#inputs()} calls it). */
    public static final String INPUT = "input";

    /**
     * @param exposeLayers  also list every conv/add/pool output as a graph output (NCHW), for checks
     *                      and calibration
     * @param extraMetadata more key/value pairs for the model metadata (e.g. source file hashes)
     * @param int8          null for a float graph; else the calibrated activation ranges of an int8 QDQ graph
     * @param floatLayers   in an int8 graph, the conv layers that stay float
     */
    public record Options(boolean exposeLayers, Map<String, String> extraMetadata, ActivationRanges int8,
                          java.util.Set<String> floatLayers) {
        /** A float graph with the given metadata, layers exposed or not. */
        public Options(boolean exposeLayers, Map<String, String> extraMetadata) {
            this(exposeLayers, extraMetadata, null, java.util.Set.of());
        }

        /** A float graph, nothing extra. */
        public static Options defaults() {
            return new Options(false, Map.of());
        }

        /** An int8 QDQ graph over {@code ranges}. */
        public static Options int8(ActivationRanges ranges, java.util.Set<String> floatLayers) {
            return new Options(false, Map.of(), ranges, floatLayers);
        }
    }

    private MobileNetV2OnnxWriter() {}

    /**
     * Writes the model.
     *
     * @throws IllegalArgumentException when the card does not fit the spec, weights are missing or
     *                                  misshaped, or layers are to be exposed from an int8 graph
     */
    public static byte[] write(MobileNetV2Spec spec, WeightSource weights, ModelCard card, Options options) {
        checkCard(spec, card);
        if (options.int8() != null && options.exposeLayers()) {
            throw new IllegalArgumentException("an int8 graph cannot expose its layers (its activations are not clipped in float)");
        }
        LayerEmitter layers = options.int8() == null ? new FloatLayers() : new QdqLayers(options.int8(), options.floatLayers());
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
        layers.produced(g, INPUT, x);

        String featuresName = card.output().features() != null ? card.output().features() : "features";
        List<Layer> all = spec.layers();
        Map<String, String> tensorOf = new LinkedHashMap<>();
        tensorOf.put(INPUT, x);
        for (int i = 0; i < all.size(); i++) {
            Layer l = all.get(i);
            boolean last = i == all.size() - 1;
            String out = last ? card.output().name() : l.name();
            String in0 = l.inputs().get(0);
            switch (l.kind()) {
                case CONV -> layers.conv(g, l, checked(l, weights.conv(l)), tensorOf.get(in0), out);
                case ADD -> {
                    String in1 = l.inputs().get(1);
                    g.node("Add", out, layers.read(g, in0, tensorOf.get(in0)), layers.read(g, in1, tensorOf.get(in1))).add();
                    layers.produced(g, l.name(), out);
                }
                case GLOBAL_AVG_POOL -> {
                    g.node("GlobalAveragePool", l.name(), layers.read(g, in0, tensorOf.get(in0))).add();
                    g.node("Flatten", featuresName, l.name()).attrInt("axis", 1).add();
                    out = featuresName;
                }
                case DENSE -> {
                    LayerWeights w = checked(l, weights.dense(l));
                    g.initializer(l.name() + ".weight", w.weight(), l.out().channels(), l.in().channels());
                    g.initializer(l.name() + ".bias", w.bias(), l.out().channels());
                    String pre = l.activation() == Activation.NONE ? out : l.name() + "/gemm";
                    g.node("Gemm", pre, tensorOf.get(in0), l.name() + ".weight", l.name() + ".bias").attrInt("transB", 1).add();
                    LayerEmitter.activation(g, l.activation(), pre, out);
                }
            }
            tensorOf.put(l.name(), out);
        }
        g.output(card.output().name(), spec.head().classes());
        g.output(featuresName, spec.lastChannels());
        if (options.exposeLayers()) {
            for (Layer l : all) {
                if (l.kind() == Layer.Kind.DENSE) continue;
                g.output(l.name(), l.out().channels(), l.out().height(), l.out().width());
            }
        }

        g.metadata(META_CARD, card.toJson());
        g.metadata(META_LABELS, JsonFiles.writeCompact(card.labels()));
        g.metadata(META_ARCHITECTURE, ArchitectureJson.write(spec));
        g.metadata(META_SOURCE, card.source().isEmpty() ? weights.description() : card.source());
        g.metadata(META_LICENSE, card.license());
        g.metadata(META_WEIGHTS_SHA256, g.weightsSha256());
        if (options.int8() != null) {
            g.metadata(META_PRECISION, "int8");
            g.metadata(META_CALIBRATION, calibrationJson(options.int8()));
        }
        options.extraMetadata().forEach(g::metadata);
        String doc = String.format(Locale.ROOT, "MobileNetV2 width %s, %dx%d, %d classes%s; %s",
                MobileNetV2Spec.formatWidth(spec.width()), res, res, spec.head().classes(),
                options.int8() == null ? "" : ", int8 QDQ", weights.description());
        return g.toModelBytes("spark-image-classifier", "0.1", doc);
    }

    private static String calibrationJson(ActivationRanges r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", r.method().toString());
        m.put("images", r.images());
        m.put("images_sha256", r.calibrationDigest());
        return JsonFiles.writeCompact(m);
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
}
