package org.sparkimage.model.onnx;

import org.sparkimage.model.Activation;
import org.sparkimage.model.Layer;

/**
 * One layer recognised in a foreign ONNX graph by {@link MobileNetV2GraphWalker}: a conv (with any
 * BatchNorm, bias add and activation that follow it folded in), a residual add, the global
 * pooling or a dense layer. Mutable while the walker folds later nodes into it.
 */
final class FoundLayer {
    /** Index of the image among {@link #inputs} (the graph input, after any NHWC transpose). */
    static final int IMAGE = -1;

    final Layer.Kind kind;
    /** The node that made the layer (the Conv, Add, pooling or Gemm/MatMul), for messages. */
    final OnnxNodes.Node node;
    /** Indices of the layers feeding this one, {@link #IMAGE} for the image. */
    final int[] inputs;
    final int inHeight;
    final int inWidth;
    final int inChannels;
    final int outHeight;
    final int outWidth;
    final int outChannels;
    final int kernel;
    final int stride;
    final int groups;
    /** {top, left, bottom, right}, as {@link Layer#pads()}. */
    final int[] pads;
    /** Conv: ONNX OIHW; dense: [out][in]; null for add and pooling. */
    float[] weight;
    float[] bias;
    Activation activation = Activation.NONE;
    /** The tensor that holds the layer's output as folded so far; later modifiers must read it. */
    String openTensor;

    FoundLayer(Layer.Kind kind, OnnxNodes.Node node, int[] inputs, int[] in, int[] out, int kernel, int stride, int groups,
               int[] pads) {
        this.kind = kind;
        this.node = node;
        this.inputs = inputs;
        this.inHeight = in[0];
        this.inWidth = in[1];
        this.inChannels = in[2];
        this.outHeight = out[0];
        this.outWidth = out[1];
        this.outChannels = out[2];
        this.kernel = kernel;
        this.stride = stride;
        this.groups = groups;
        this.pads = pads;
    }

    /** How messages name the layer: the op that made it and where ({@code conv 'Conv_40' (node 40)}). */
    String describe() {
        String what = switch (kind) {
            case CONV -> "conv";
            case ADD -> "add";
            case GLOBAL_AVG_POOL -> "pooling";
            case DENSE -> "dense layer";
        };
        return what + (node.name().isEmpty() ? "" : " '" + node.name() + "'") + " (node " + node.index() + ", "
                + node.opType() + ")";
    }
}
