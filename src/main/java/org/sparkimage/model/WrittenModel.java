package org.sparkimage.model;

import java.util.Map;

import org.sparkimage.model.onnx.OnnxInitializers;
import org.sparkimage.model.onnx.OnnxMobileNetV2Adopter;
import org.sparkimage.model.onnx.OnnxModelInfo;

/**
 * An ONNX MobileNetV2 that this project wrote (the shipped default, an imported or a seeded
 * model), read back from its bytes: the architecture from its metadata, the card and the
 * BatchNorm-folded weights from its initializers. Whatever the writer can write from a spec and
 * weights (a quantized graph, a graph exposing every layer) can be written again from these.
 *
 * @param spec    the architecture
 * @param card    the card the model carries
 * @param weights the weights, by layer
 */
public record WrittenModel(MobileNetV2Spec spec, ModelCard card, WeightSource weights) {

    /**
     * Reads a model.
     *
     * @throws IllegalArgumentException when the bytes are not a model this project wrote (no
     *                                  architecture or card metadata, or weights that do not fit the spec)
     */
    public static WrittenModel read(byte[] onnx) {
        OnnxModelInfo info = OnnxModelInfo.read(onnx);
        String arch = info.metadata().get(MobileNetV2OnnxWriter.META_ARCHITECTURE);
        String card = info.metadata().get(MobileNetV2OnnxWriter.META_CARD);
        if (arch == null || card == null) {
            throw new IllegalArgumentException("the model was not written by this project (it has no "
                    + (arch == null ? MobileNetV2OnnxWriter.META_ARCHITECTURE : MobileNetV2OnnxWriter.META_CARD) + " metadata)");
        }
        if (info.metadata().containsKey(MobileNetV2OnnxWriter.META_PRECISION)) {
            throw new IllegalArgumentException("the model is already " + info.metadata().get(MobileNetV2OnnxWriter.META_PRECISION));
        }
        MobileNetV2Spec spec = ArchitectureJson.read(arch);
        Map<String, OnnxInitializers.Tensor> tensors = OnnxInitializers.floats(onnx);
        String source = info.metadata().getOrDefault(MobileNetV2OnnxWriter.META_SOURCE, "");
        WeightSource weights = new InitializerWeights(tensors, source);
        for (Layer l : spec.layers()) {
            if (l.kind() == Layer.Kind.CONV) weights.conv(l);
            if (l.kind() == Layer.Kind.DENSE) weights.dense(l);
        }
        return new WrittenModel(spec, ModelCard.fromJson(card), weights);
    }

    /** Whether {@code onnx} carries the architecture and card metadata of a model this project wrote. */
    public static boolean isWritten(byte[] onnx) {
        Map<String, String> meta = OnnxModelInfo.read(onnx).metadata();
        return meta.containsKey(MobileNetV2OnnxWriter.META_ARCHITECTURE) && meta.containsKey(MobileNetV2OnnxWriter.META_CARD);
    }

    /**
     * Reads a model some other tool wrote (PyTorch's exporters, tf2onnx, ...) whose graph is a
     * MobileNetV2 of a known variant ({@link OnnxMobileNetV2Adopter}), fed as {@code card} says.
     * The card keeps its names; it gains a {@code features} output when it named none, since a
     * re-written model always exposes the pooled features.
     *
     * @throws IllegalArgumentException when the graph is not such a MobileNetV2 (the message says
     *                                  why) or the card does not fit it (size, layout, classes, output kind)
     */
    public static WrittenModel adopt(byte[] onnx, ModelCard card) {
        OnnxMobileNetV2Adopter.Adopted a = OnnxMobileNetV2Adopter.adopt(onnx, card.input().width());
        MobileNetV2Spec spec = a.spec();
        if (card.input().width() != spec.resolution() || card.input().height() != spec.resolution()) {
            throw new IllegalArgumentException("the card feeds " + card.input().width() + "x" + card.input().height()
                    + " but the graph takes " + spec.resolution() + "x" + spec.resolution());
        }
        if ((card.input().layout() == ModelCard.Layout.NHWC) != a.nhwc()) {
            throw new IllegalArgumentException("the card says " + card.input().layout() + " but the graph's input is "
                    + (a.nhwc() ? "NHWC" : "NCHW"));
        }
        if (card.numClasses() != spec.head().classes()) {
            throw new IllegalArgumentException("the card has " + card.numClasses() + " labels, the graph " + spec.head().classes() + " classes");
        }
        if ((card.output().kind() == ModelCard.OutputKind.PROBABILITIES) != a.softmax()) {
            throw new IllegalArgumentException("the card says " + card.output().kind() + " but the graph "
                    + (a.softmax() ? "ends in a softmax" : "has no softmax"));
        }
        ModelCard.Output out = card.output();
        ModelCard withFeatures = out.features() != null ? card
                : card.withOutput(new ModelCard.Output(out.name(), out.kind(), "features", out.labels()));
        return new WrittenModel(spec, withFeatures, a.weights());
    }

    /** Weights looked up by the names the writer gives them: {@code <layer>.weight} and {@code <layer>.bias}. */
    private record InitializerWeights(Map<String, OnnxInitializers.Tensor> tensors, String description) implements WeightSource {
        @Override
        public LayerWeights conv(Layer layer) {
            return lookup(layer);
        }

        @Override
        public LayerWeights dense(Layer layer) {
            return lookup(layer);
        }

        private LayerWeights lookup(Layer l) {
            OnnxInitializers.Tensor w = tensors.get(l.name() + ".weight");
            OnnxInitializers.Tensor b = tensors.get(l.name() + ".bias");
            if (w == null || b == null) throw new IllegalArgumentException("the model has no weights for layer " + l.name());
            if (w.values().length != l.weightCount() || b.values().length != l.out().channels()) {
                throw new IllegalArgumentException("the weights of layer " + l.name() + " do not fit the architecture");
            }
            return new LayerWeights(w.values(), b.values());
        }
    }
}
