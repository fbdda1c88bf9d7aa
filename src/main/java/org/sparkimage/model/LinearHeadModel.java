package org.sparkimage.model;

import java.util.List;
import java.util.Map;

/**
 * A MobileNetV2 this project wrote or imported, with its head replaced by one trained linear layer
 * and a softmax: the "backbone + head as one ONNX model" that training produces. The backbone's
 * convolutions are copied as they are (same weights, same card input and preprocessing); the new
 * head reads the pooled features, so the model outputs probabilities over the new classes and
 * still exposes the features output. Every path that runs the product's models (the batched job,
 * int8, the transformer, the SQL functions) runs the result unchanged.
 *
 * <p>The head is {@code softmax(W x + b)} over the raw pooled features {@code x}: a standardised
 * regression folds its scaling into {@code W} and {@code b} before it gets here (MLlib's
 * {@code LogisticRegression} returns its coefficients on the original scale already).
 *
 * @param weight row-major {@code [classes][features]}
 * @param bias   one value per class
 * @param labels class names, index = row of {@code weight}
 */
public record LinearHeadModel(float[] weight, float[] bias, List<String> labels) {

    /** Checks the shapes that do not depend on the backbone. */
    public LinearHeadModel {
        labels = List.copyOf(labels);
        if (labels.size() < 2) throw new IllegalArgumentException("a head needs at least 2 classes, got " + labels.size());
        if (bias.length != labels.size()) {
            throw new IllegalArgumentException(bias.length + " biases for " + labels.size() + " classes");
        }
        if (weight.length % labels.size() != 0) {
            throw new IllegalArgumentException(weight.length + " weights do not split into " + labels.size() + " rows");
        }
    }

    /** Input features per class row. */
    public int features() {
        return weight.length / labels.size();
    }

    /**
     * Writes {@code backbone} with this head as one ONNX model.
     *
     * @param backbone      an fp32 model this project wrote or imported (its architecture and card in
     *                      the metadata), e.g. the shipped default
     * @param name          the new card's name
     * @param source        the new card's provenance text
     * @param extraMetadata more model metadata (training provenance, metrics); written in key order by the caller's map
     * @throws IllegalArgumentException when the backbone is not such a model or its pooled features do
     *                                  not have {@link #features()} values
     */
    public byte[] write(byte[] backbone, String name, String source, Map<String, String> extraMetadata) {
        WrittenModel base;
        try {
            base = WrittenModel.read(backbone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the backbone is not a MobileNetV2 this product can read: " + e.getMessage(), e);
        }
        MobileNetV2Spec old = base.spec();
        if (old.lastChannels() != features()) {
            throw new IllegalArgumentException("the backbone's pooled features have " + old.lastChannels()
                    + " values, the head reads " + features());
        }
        MobileNetV2Spec spec = old.withHead(new Head(List.of(new Head.DenseLayer(labels.size(), Activation.SOFTMAX))));
        ModelCard.Output out = base.card().output();
        ModelCard card = base.card()
                .withOutput(new ModelCard.Output(out.name(), ModelCard.OutputKind.PROBABILITIES,
                        out.features() != null ? out.features() : "features", labels))
                .withProvenance(name, source, base.card().license());
        return MobileNetV2OnnxWriter.write(spec, new Weights(base.weights(), this), card,
                new MobileNetV2OnnxWriter.Options(false, extraMetadata));
    }

    /** The backbone's conv weights, this head's dense weights. */
    private record Weights(WeightSource backbone, LinearHeadModel head) implements WeightSource {
        @Override
        public LayerWeights conv(Layer layer) {
            return backbone.conv(layer);
        }

        @Override
        public LayerWeights dense(Layer layer) {
            return new LayerWeights(head.weight(), head.bias());
        }

        @Override
        public String description() {
            return backbone.description() + " + linear head (" + head.labels().size() + " classes)";
        }
    }
}
