package org.sparkimage.model;

import org.sparkimage.model.onnx.OnnxGraph;

/**
 * How {@link MobileNetV2OnnxWriter} turns the quantizable part of the network (the convolutions and
 * residual adds) into nodes: in float ({@link FloatLayers}) or as int8 QDQ ({@link QdqLayers}).
 * The writer owns the order and the names; an emitter owns the arithmetic.
 */
interface LayerEmitter {
    /**
     * Called once float {@code tensor}, the output of layer {@code name} ({@code input} for the
     * image), has been computed by a node the writer added (the image's transpose, an add).
     */
    void produced(OnnxGraph g, String name, String tensor);

    /** The tensor a quantizable node should read for the output of layer {@code name}, float {@code tensor}. */
    String read(OnnxGraph g, String name, String tensor);

    /**
     * A conv layer reading the output of layer {@code l.inputs().get(0)}, float tensor {@code in},
     * and writing float {@code out}, with its activation.
     */
    void conv(OnnxGraph g, Layer l, LayerWeights w, String in, String out);

    /** Emits an activation node from {@code in} to {@code out} (also used by the float head). */
    static void activation(OnnxGraph g, Activation a, String in, String out) {
        switch (a) {
            case NONE -> { }
            case RELU -> g.node("Relu", out, in).add();
            case RELU6 -> g.node("Clip", out, in, "relu6/min", "relu6/max").add();
            case SOFTMAX -> g.node("Softmax", out, in).attrInt("axis", 1).add();
        }
    }

    /** Adds a Conv node with the layer's attributes. */
    static void convNode(OnnxGraph g, Layer l, String out, String in, String weight, String bias) {
        int[] p = l.pads();
        g.node("Conv", out, in, weight, bias)
                .attrInts("kernel_shape", l.kernel(), l.kernel())
                .attrInts("strides", l.stride(), l.stride())
                .attrInts("pads", p[0], p[1], p[2], p[3])
                .attrInts("dilations", 1, 1)
                .attrInt("group", l.groups())
                .add();
    }

    /** ONNX dims of a conv layer's weights: {@code [out, in/groups, k, k]}. */
    static long[] convDims(Layer l) {
        return new long[] {l.out().channels(), l.in().channels() / l.groups(), l.kernel(), l.kernel()};
    }
}
