package org.sparkimage.model;

import java.util.List;

/**
 * The layers after global average pooling: a stack of fully connected layers. Dropout is a
 * training-time layer and has no place here.
 */
public record Head(List<DenseLayer> layers) {

    /** One fully connected layer. */
    public record DenseLayer(int units, Activation activation) {}

    public Head {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException("a head needs at least one layer");
    }

    /** torchvision's head: one linear layer producing logits. */
    public static Head classifier(int classes) {
        return new Head(List.of(new DenseLayer(classes, Activation.NONE)));
    }

    public int classes() {
        return layers.get(layers.size() - 1).units();
    }

    /** True when the last layer ends in softmax, i.e. the model outputs probabilities. */
    public boolean outputsProbabilities() {
        return layers.get(layers.size() - 1).activation() == Activation.SOFTMAX;
    }
}
