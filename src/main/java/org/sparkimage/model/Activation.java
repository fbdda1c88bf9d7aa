package org.sparkimage.model;

/** Activation applied after a layer. */
public enum Activation {
    NONE, RELU, RELU6, SOFTMAX
}
