package org.sparkimage.model;

import java.util.Set;

import org.sparkimage.model.onnx.OnnxGraph;
import org.sparkimage.model.quant.ActivationRanges;
import org.sparkimage.model.quant.TensorRange;
import org.sparkimage.model.quant.WeightQuantizer;

/**
 * int8 convolutions in ONNX's QDQ form, which ONNX Runtime fuses into integer kernels: an
 * activation tensor is quantized once (QuantizeLinear to uint8 over its calibrated range) and each
 * int8 reader dequantizes it with a DequantizeLinear of its own (ONNX Runtime fuses a
 * DequantizeLinear into one consumer only); weights are int8 per output channel, biases int32.
 *
 * <p>An int8 conv's ReLU6 (or ReLU) is not written as a node: its output range is cut to [0, 6] and
 * starts at 0, so the QuantizeLinear that follows saturates exactly where the clip would.
 *
 * <p>Layers named in {@code floatLayers} are written as in a float graph, reading and writing float
 * tensors; a tensor is quantized when an int8 layer first reads it. Keep them a prefix of the
 * network: ONNX Runtime 1.29 mis-optimises a float depthwise conv that reads a DequantizeLinear
 * (its results were wrong at optimisation level BASIC and above, right without optimisation).
 *
 * <p>{@link QdqTensors} says which ranges and means this reads, so calibration collects only those:
 * keep the two in step (a missing one fails the write with "calibration has no range").
 */
final class QdqLayers implements LayerEmitter {
    private final ActivationRanges ranges;
    private final Set<String> floatLayers;
    private final FloatLayers floats = new FloatLayers();
    private final Set<String> quantized = new java.util.HashSet<>();
    private int reads;

    QdqLayers(ActivationRanges ranges, Set<String> floatLayers) {
        this.ranges = ranges;
        this.floatLayers = Set.copyOf(floatLayers);
    }

    @Override
    public void produced(OnnxGraph g, String name, String tensor) {
        // quantized lazily, when an int8 layer first reads it (read)
    }

    @Override
    public String read(OnnxGraph g, String name, String tensor) {
        if (quantized.add(name)) quantize(g, tensor, name, ranges.of(name));
        String out = name + "/dq" + reads++;
        g.node("DequantizeLinear", out, name + "/q", name + "/scale", name + "/zp").add();
        return out;
    }

    @Override
    public void conv(OnnxGraph g, Layer l, LayerWeights w, String in, String out) {
        if (floatLayers.contains(l.name())) {
            floats.conv(g, l, w, in, out);
            return;
        }
        String name = l.name();
        int8Weights(g, l, w);
        LayerEmitter.convNode(g, l, out, read(g, l.inputs().get(0), in), name + ".weight", name + ".bias");
        quantize(g, out, name, outputRange(l));
        quantized.add(name);
    }

    /** Per-channel int8 weights and int32 biases, dequantized into {@code <layer>.weight} and {@code .bias}. */
    private void int8Weights(OnnxGraph g, Layer l, LayerWeights w) {
        String name = l.name();
        int channels = l.out().channels();
        WeightQuantizer.Int8Weights q = WeightQuantizer.perChannel(w.weight(), channels);
        g.int8Initializer(name + ".weight_q", q.codes(), LayerEmitter.convDims(l));
        g.initializer(name + ".weight_scale", q.scales(), channels);
        g.int8Initializer(name + ".weight_zp", new byte[channels], channels);
        g.node("DequantizeLinear", name + ".weight", name + ".weight_q", name + ".weight_scale", name + ".weight_zp")
                .attrInt("axis", 0).add();
        String input = l.inputs().get(0);
        float[] biasScales = WeightQuantizer.biasScales(ranges.of(input).scale(), q.scales());
        float[] bias = WeightQuantizer.correctedBias(w.weight(), q, w.bias(), ranges.meansOf(input), l.groups());
        g.int32Initializer(name + ".bias_q", WeightQuantizer.bias(bias, biasScales), channels);
        g.initializer(name + ".bias_scale", biasScales, channels);
        g.int32Initializer(name + ".bias_zp", new int[channels], channels);
        g.node("DequantizeLinear", name + ".bias", name + ".bias_q", name + ".bias_scale", name + ".bias_zp")
                .attrInt("axis", 0).add();
    }

    private TensorRange outputRange(Layer l) {
        TensorRange r = ranges.of(l.name());
        return switch (l.activation()) {
            case RELU6 -> r.clampedTo(0f, 6f);
            case RELU -> r.clampedTo(0f, Float.MAX_VALUE);
            case NONE -> r;
            case SOFTMAX -> throw new IllegalArgumentException("a conv layer cannot end in softmax: " + l.name());
        };
    }

    /** QuantizeLinear of float {@code tensor} into {@code <name>/q}, with its scale and zero point. */
    private static void quantize(OnnxGraph g, String tensor, String name, TensorRange r) {
        g.initializer(name + "/scale", new float[] {r.scale()});
        g.uint8Initializer(name + "/zp", new byte[] {(byte) r.zeroPoint()});
        g.node("QuantizeLinear", name + "/q", tensor, name + "/scale", name + "/zp").add();
    }
}
