package org.sparkimage.model;

/** Supplies the weights of each conv and dense layer of a {@link MobileNetV2Spec}. */
public interface WeightSource {
    /** Weights of a {@link Layer.Kind#CONV} layer with its BatchNorm folded in. */
    LayerWeights conv(Layer layer);

    /** Weights of a {@link Layer.Kind#DENSE} layer. */
    LayerWeights dense(Layer layer);

    /** Free-text provenance written into the model metadata. */
    String description();
}
