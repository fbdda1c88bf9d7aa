package org.sparkimage.model;

import java.util.List;

/**
 * One row of a MobileNetV2 architecture: what it computes, its shapes and its cost. The ONNX writer
 * turns exactly these rows into graph nodes, so the summary table and the graph cannot disagree.
 *
 * @param name       unique name; also the name of the layer's output tensor in written graphs
 * @param kind       what the layer computes
 * @param inputs     names of the layers feeding it ("input" for the image)
 * @param in         input shape (of the first input)
 * @param out        output shape
 * @param kernel     kernel size (conv), else 0
 * @param stride     stride (conv), else 0
 * @param groups     1 for a full conv, channels for a depthwise conv
 * @param pads       {top, left, bottom, right} zero padding (conv)
 * @param batchNorm  whether a BatchNorm follows (conv); folded into the weights in written graphs
 * @param activation activation after the layer (and after its BatchNorm)
 * @param params     trainable parameters, BatchNorm gamma and beta counted, running stats not
 * @param macs       multiply-accumulate operations for one image
 */
public record Layer(
        String name,
        Kind kind,
        List<String> inputs,
        Shape in,
        Shape out,
        int kernel,
        int stride,
        int groups,
        int[] pads,
        boolean batchNorm,
        Activation activation,
        long params,
        long macs) {

    /** Layer kinds. */
    public enum Kind { CONV, ADD, GLOBAL_AVG_POOL, DENSE }

    public Layer {
        inputs = List.copyOf(inputs);
        pads = pads.clone();
    }

    @Override
    public int[] pads() {
        return pads.clone();
    }

    /** Number of weight values (conv: out x in/groups x k x k; dense: out x in), excluding bias/BN. */
    public long weightCount() {
        return switch (kind) {
            case CONV -> (long) out.channels() * (in.channels() / groups) * kernel * kernel;
            case DENSE -> (long) out.channels() * in.channels();
            default -> 0;
        };
    }

    public boolean isDepthwise() {
        return kind == Kind.CONV && groups > 1;
    }
}
