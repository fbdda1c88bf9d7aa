package org.sparkimage.model.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.sparkimage.model.Activation;
import org.sparkimage.model.Layer;
import org.sparkimage.model.onnx.OnnxNodes.Node;
import org.sparkimage.model.onnx.OnnxNodes.Tensor;

/**
 * Walks a foreign ONNX graph from its image input along the data flow, in topological order, and
 * turns the nodes into the layers a MobileNetV2 is made of ({@link FoundLayer}): each Conv with the
 * Pad before it and the BatchNormalization, bias Add/Mul and ReLU6/ReLU after it folded in,
 * residual Adds, global average pooling however spelled (GlobalAveragePool, ReduceMean over H and
 * W, AveragePool over the whole map), the flatten that follows it, and Gemm or MatMul(+Add) dense
 * layers with an optional final Softmax. Identity, Dropout and float Casts pass data through; an
 * NHWC input may be transposed to NCHW once. Every other op on the data path is refused, by node.
 *
 * <p>The walker does not know the architecture; {@link MobileNetV2SpecMatcher} compares what it
 * found with the spec. Names of nodes and tensors are never interpreted.
 */
final class MobileNetV2GraphWalker {

    /**
     * What the walk found.
     *
     * @param layers     the layers in topological order
     * @param inputName  the graph input carrying the image
     * @param nhwc       whether that input is NHWC (transposed to NCHW by the graph)
     * @param outputName the graph output carrying the last dense layer's output
     * @param resolution the square input size
     */
    record Result(List<FoundLayer> layers, String inputName, boolean nhwc, String outputName, int resolution) {}

    /**
     * A tensor on the data path.
     *
     * @param layer index of the layer that produced it, {@link FoundLayer#IMAGE} for the image
     * @param flat  [N, C] rather than [N, C, H, W]
     * @param pad   zero padding {top, left, bottom, right} a Pad node added and the next Conv absorbs, or null
     */
    private record Value(int layer, int h, int w, int c, boolean flat, int[] pad) {
        Value withPad(int[] p) {
            return new Value(layer, h, w, c, flat, p);
        }
    }

    /** Ops whose presence means the graph is quantized: its float weights are gone. */
    private static final Set<String> QUANTIZED = Set.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
            "QLinearConv", "QLinearMatMul", "QLinearAdd", "QLinearGlobalAveragePool", "ConvInteger", "MatMulInteger",
            "QGemm", "QLinearMul", "QLinearSigmoid", "QLinearConcat");

    private final OnnxNodes graph;
    private final OnnxConstants constants;
    private final Map<String, Integer> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Map<String, Value> values = new HashMap<>();
    /** Tensors computed from a data tensor's shape (dynamic batch size): allowed only as a Reshape's shape. */
    private final Set<String> shapeDerived = new HashSet<>();
    private final List<FoundLayer> layers = new ArrayList<>();

    private MobileNetV2GraphWalker(OnnxNodes graph) {
        this.graph = graph;
        this.constants = new OnnxConstants(graph);
        for (Node n : graph.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                if (!n.input(i).isEmpty() && readsValue(n, i)) consumers.merge(n.input(i), 1, Integer::sum);
            }
        }
        for (OnnxNodes.ValueInfo o : graph.outputs()) graphOutputs.add(o.name());
    }

    /** False for inputs a node reads only the type or shape of (CastLike's target, Shape's input). */
    private static boolean readsValue(Node n, int input) {
        return !(n.opType().equals("Shape") || n.opType().equals("CastLike") && input == 1);
    }

    /**
     * Walks {@code graph}.
     *
     * @param resolutionIfDynamic the input size to assume when the input's spatial dims are not fixed; 0 for none
     * @throws NotMobileNetV2Exception when a node on the data path is none of the above, or the
     *                                 graph is quantized, keeps external data or has no usable input
     */
    static Result walk(OnnxNodes graph, int resolutionIfDynamic) {
        MobileNetV2GraphWalker w = new MobileNetV2GraphWalker(graph);
        w.refuseUnsupportedStorage();
        OnnxNodes.ValueInfo input = w.imageInput();
        boolean nhwc = w.isNhwc(input);
        int resolution = resolution(input, nhwc, resolutionIfDynamic);
        w.values.put(input.name(), new Value(FoundLayer.IMAGE, resolution, resolution, 3, false, null));
        for (Node n : graph.topological()) w.visit(n, input.name(), nhwc);
        return new Result(List.copyOf(w.layers), input.name(), nhwc, w.classifierOutput(), resolution);
    }

    private void refuseUnsupportedStorage() {
        for (Tensor t : graph.initializers().values()) {
            if (t.external()) {
                throw new NotMobileNetV2Exception("external data is not supported: initializer '" + t.name()
                        + "' keeps its values in a separate file (save the model with its weights inside, e.g. "
                        + "onnx.save(model, f, save_as_external_data=False))");
            }
        }
        for (Node n : graph.nodes()) {
            if (QUANTIZED.contains(n.opType())) {
                throw new NotMobileNetV2Exception("the graph is quantized (" + n.describe() + "); adopt the float model");
            }
        }
    }

    private OnnxNodes.ValueInfo imageInput() {
        List<OnnxNodes.ValueInfo> real = graph.inputs().stream()
                .filter(i -> !graph.initializers().containsKey(i.name())).toList();
        if (real.size() != 1) {
            throw new NotMobileNetV2Exception("expected one image input, the graph has " + real.size() + ": "
                    + real.stream().map(OnnxNodes.ValueInfo::name).toList());
        }
        OnnxNodes.ValueInfo in = real.get(0);
        int t = in.elemType();
        if (t != 0 && t != OnnxNodes.FLOAT && t != OnnxNodes.FLOAT16) {
            throw new NotMobileNetV2Exception("input '" + in.name() + "' has element type " + t + ", not float");
        }
        if (in.dims().length != 4) {
            throw new NotMobileNetV2Exception("input '" + in.name() + "' has " + in.dims().length + " dims, an image batch has 4");
        }
        return in;
    }

    /** NHWC when every reader of the input is a Transpose to NCHW (tf2onnx, this project's NHWC cards). */
    private boolean isNhwc(OnnxNodes.ValueInfo input) {
        boolean any = false;
        for (Node n : graph.nodes()) {
            if (!n.inputs().contains(input.name())) continue;
            if (!n.opType().equals("Transpose") || !Arrays.equals(n.attrInts("perm"), new long[] {0, 3, 1, 2})) return false;
            any = true;
        }
        return any;
    }

    private static int resolution(OnnxNodes.ValueInfo in, boolean nhwc, int resolutionIfDynamic) {
        long[] d = in.dims();
        long c = nhwc ? d[3] : d[1];
        long h = nhwc ? d[1] : d[2];
        long w = nhwc ? d[2] : d[3];
        if (c != 3 && c != -1) {
            throw new NotMobileNetV2Exception("input '" + in.name() + "' has " + c + " channels, expected 3 (RGB) in "
                    + (nhwc ? "NHWC" : "NCHW") + " " + Arrays.toString(d));
        }
        if (h > 0 && w > 0) {
            if (h != w) throw new NotMobileNetV2Exception("input '" + in.name() + "' is " + h + "x" + w + "; only square inputs are supported");
            return (int) h;
        }
        if (resolutionIfDynamic <= 0) {
            throw new NotMobileNetV2Exception("input '" + in.name() + "' has a dynamic spatial size " + Arrays.toString(d)
                    + "; pass the resolution to adopt it at");
        }
        if (h > 0 && h != resolutionIfDynamic || w > 0 && w != resolutionIfDynamic) {
            throw new NotMobileNetV2Exception("input '" + in.name() + "' is " + Arrays.toString(d) + ", not "
                    + resolutionIfDynamic + "x" + resolutionIfDynamic);
        }
        return resolutionIfDynamic;
    }

    private void visit(Node n, String input, boolean nhwc) {
        boolean data = false;
        boolean shape = false;
        // A node reading only the type of data (CastLike of the dynamo exporter's ReLU6 bounds) is constant.
        for (int i = 0; i < n.inputs().size(); i++) {
            String in = n.input(i);
            data |= values.containsKey(in) && (readsValue(n, i) || n.opType().equals("Shape"));
            shape |= shapeDerived.contains(in);
        }
        if (!data) {
            // Constant subgraphs are evaluated on demand; shape arithmetic only matters to a Reshape.
            if (shape) shapeDerived.addAll(n.outputs());
            return;
        }
        if (!n.domain().isEmpty()) throw notPart(n);
        switch (n.opType()) {
            case "Shape" -> shapeDerived.addAll(n.outputs());
            case "Transpose" -> transpose(n, input, nhwc);
            case "Identity", "Dropout" -> passThrough(n);
            case "Cast" -> cast(n);
            case "Pad" -> pad(n);
            case "Conv" -> conv(n);
            case "BatchNormalization" -> batchNorm(n);
            case "Add" -> add(n);
            case "Mul" -> scale(n);
            case "Clip" -> clip(n);
            case "Relu" -> activation(n, Activation.RELU);
            case "Softmax" -> softmax(n);
            case "GlobalAveragePool", "ReduceMean", "AveragePool" -> pool(n);
            case "Flatten", "Reshape", "Squeeze" -> flatten(n);
            case "Gemm", "MatMul" -> dense(n);
            default -> throw notPart(n);
        }
    }

    private static NotMobileNetV2Exception notPart(Node n) {
        return new NotMobileNetV2Exception(n.describe() + " is not part of a MobileNetV2");
    }

    // ---- data-path helpers ------------------------------------------------------------------

    /** The data value at input {@code i}; refuses when that input is a constant or a pending Pad. */
    private Value data(Node n, int i, boolean padAllowed) {
        Value v = values.get(n.input(i));
        if (v == null) throw new NotMobileNetV2Exception(n.describe() + " does not read the image data at input " + i);
        if (v.pad() != null && !padAllowed) {
            throw new NotMobileNetV2Exception(n.describe() + " reads a Pad's output; only a Conv may follow a Pad");
        }
        for (int j = 0; j < n.inputs().size(); j++) {
            if (j != i && values.containsKey(n.input(j)) && !(n.opType().equals("Add") || n.opType().equals("Dropout"))) {
                throw new NotMobileNetV2Exception(n.describe() + " takes image data at input " + j + " where a constant belongs");
            }
        }
        return v;
    }

    private Tensor constant(Node n, int i, String what) {
        Tensor t = constants.value(n.input(i));
        if (t == null) {
            throw new NotMobileNetV2Exception(n.describe() + ": its " + what + " ('" + n.input(i) + "') is not a constant");
        }
        return t;
    }

    private float[] floats(Node n, int i, String what) {
        Tensor t = constant(n, i, what);
        if (!t.isFloat()) {
            throw new NotMobileNetV2Exception(n.describe() + ": its " + what + " ('" + n.input(i) + "') has element type "
                    + t.dataType() + ", not float");
        }
        return t.floats();
    }

    private void put(Node n, Value v) {
        values.put(n.outputs().get(0), v);
    }

    /**
     * The conv or dense layer whose unfinished output node {@code n} modifies: that output must be
     * read by {@code n} alone, so the folded result is what everything downstream sees.
     */
    private FoundLayer open(Node n, Value v, String tensor, String modification) {
        FoundLayer l = v.layer() >= 0 ? layers.get(v.layer()) : null;
        if (l == null || (l.kind != Layer.Kind.CONV && l.kind != Layer.Kind.DENSE) || !tensor.equals(l.openTensor)) {
            throw new NotMobileNetV2Exception(n.describe() + " applies " + modification + " to "
                    + (l == null ? "the input image" : "the output of " + l.describe() + " after it was used")
                    + "; MobileNetV2 has it only right after a conv or dense layer");
        }
        if (consumers.getOrDefault(tensor, 0) != 1 || graphOutputs.contains(tensor)) {
            throw new NotMobileNetV2Exception("the output of " + l.describe() + " is used both before and after "
                    + n.describe() + " (" + modification + ")");
        }
        return l;
    }

    private void moveOpen(Node n, FoundLayer l, Value v) {
        l.openTensor = n.outputs().get(0);
        put(n, v);
    }

    // ---- ops ---------------------------------------------------------------------------------

    private void transpose(Node n, String input, boolean nhwc) {
        if (!nhwc || !n.input(0).equals(input)) {
            throw new NotMobileNetV2Exception(n.describe() + " transposes inside the network; only an NHWC input may be transposed");
        }
        put(n, values.get(input));
    }

    private void passThrough(Node n) {
        if (n.outputs().size() > 1 && consumers.getOrDefault(n.outputs().get(1), 0) > 0) {
            throw new NotMobileNetV2Exception(n.describe() + ": its mask output is used, so it is not an inference-time no-op");
        }
        Value v = data(n, 0, false);
        String in = n.input(0);
        FoundLayer l = v.layer() >= 0 ? layers.get(v.layer()) : null;
        // An Identity between a conv and its BatchNorm or activation keeps the output open.
        if (l != null && in.equals(l.openTensor) && consumers.getOrDefault(in, 0) == 1 && !graphOutputs.contains(in)) {
            moveOpen(n, l, v);
        } else {
            put(n, v);
        }
    }

    private void cast(Node n) {
        long to = n.attrInt("to", 0);
        if (to != OnnxNodes.FLOAT && to != OnnxNodes.FLOAT16) {
            throw new NotMobileNetV2Exception(n.describe() + " casts the data to type " + to + "; only float types are supported");
        }
        passThrough(n);
    }

    private void pad(Node n) {
        Value v = data(n, 0, false);
        String mode = n.attrString("mode", "constant");
        long[] p = graph.opset() < 11 ? n.attrInts("pads") : constants.longs(n.input(1));
        if (p == null || p.length != 8) throw new NotMobileNetV2Exception(n.describe() + ": its pads are not 8 constants");
        float value = graph.opset() < 11 ? (float) n.attrFloat("value", 0) : n.input(2).isEmpty() ? 0f : floats(n, 2, "pad value")[0];
        if (!mode.equals("constant") || value != 0f || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0
                || (graph.opset() >= 18 && !n.input(3).isEmpty())) {
            throw new NotMobileNetV2Exception(n.describe() + " is not a zero padding of H and W (mode " + mode + ", pads "
                    + Arrays.toString(p) + ")");
        }
        int[] pads = {(int) p[2], (int) p[3], (int) p[6], (int) p[7]};
        put(n, new Value(v.layer(), v.h() + pads[0] + pads[2], v.w() + pads[1] + pads[3], v.c(), false, pads));
    }

    private void conv(Node n) {
        Value v = data(n, 0, true);
        if (v.flat()) throw new NotMobileNetV2Exception(n.describe() + " convolves flattened features");
        Tensor wt = constant(n, 1, "weight");
        float[] w = floats(n, 1, "weight");
        long[] d = wt.dims();
        if (d.length != 4) throw new NotMobileNetV2Exception(n.describe() + " is not a 2-D convolution (weight dims " + Arrays.toString(d) + ")");
        int out = (int) d[0];
        int group = (int) n.attrInt("group", 1);
        if (d[1] * group != v.c()) {
            throw new NotMobileNetV2Exception(n.describe() + " expects " + d[1] * group + " input channels, gets " + v.c());
        }
        long[] dil = n.attrInts("dilations");
        if (dil != null && Arrays.stream(dil).anyMatch(x -> x != 1)) {
            throw new NotMobileNetV2Exception(n.describe() + " is dilated " + Arrays.toString(dil) + "; MobileNetV2 convs are not");
        }
        long[] s = n.attrInts("strides");
        int sh = s == null ? 1 : (int) s[0];
        int sw = s == null ? 1 : (int) s[1];
        if (d[2] != d[3] || sh != sw) {
            throw new NotMobileNetV2Exception(n.describe() + " has a " + d[2] + "x" + d[3] + " kernel with strides " + sh + "x" + sw
                    + "; MobileNetV2 convs are square");
        }
        int k = (int) d[2];
        int inH = v.pad() == null ? v.h() : v.h() - v.pad()[0] - v.pad()[2];
        int inW = v.pad() == null ? v.w() : v.w() - v.pad()[1] - v.pad()[3];
        int[] pads = convPads(n, v, k, sh);
        int oh = (inH + pads[0] + pads[2] - k) / sh + 1;
        int ow = (inW + pads[1] + pads[3] - k) / sw + 1;
        float[] bias = n.input(2).isEmpty() ? new float[out] : floats(n, 2, "bias").clone();
        if (bias.length != out) throw new NotMobileNetV2Exception(n.describe() + " has " + bias.length + " biases for " + out + " channels");
        FoundLayer l = new FoundLayer(Layer.Kind.CONV, n, new int[] {v.layer()}, new int[] {inH, inW, v.c()},
                new int[] {oh, ow, out}, k, sh, group, pads);
        l.weight = w.clone();
        l.bias = bias;
        addLayer(n, l, new Value(layers.size(), oh, ow, out, false, null));
    }

    private void addLayer(Node n, FoundLayer l, Value v) {
        layers.add(l);
        l.openTensor = n.outputs().get(0);
        put(n, v);
    }

    /** The conv's total padding {top, left, bottom, right}: its own (explicit or auto_pad) plus a Pad node's. */
    private static int[] convPads(Node n, Value v, int k, int stride) {
        String auto = n.attrString("auto_pad", "NOTSET");
        int[] own = new int[4];
        int inH = v.h(); // auto_pad pads the tensor the conv reads, a Pad node's output included
        switch (auto) {
            case "NOTSET", "" -> {
                long[] p = n.attrInts("pads");
                if (p != null) {
                    if (p.length != 4) throw new NotMobileNetV2Exception(n.describe() + " has pads " + Arrays.toString(p));
                    for (int i = 0; i < 4; i++) own[i] = (int) p[i];
                }
            }
            case "VALID" -> { }
            case "SAME_UPPER", "SAME_LOWER" -> {
                int outSize = (inH + stride - 1) / stride;
                int total = Math.max((outSize - 1) * stride + k - inH, 0);
                int small = total / 2;
                int before = auto.equals("SAME_UPPER") ? small : total - small;
                own = new int[] {before, before, total - before, total - before};
            }
            default -> throw new NotMobileNetV2Exception(n.describe() + " has auto_pad " + auto);
        }
        if (v.pad() == null) return own;
        int[] p = v.pad();
        return new int[] {own[0] + p[0], own[1] + p[1], own[2] + p[2], own[3] + p[3]};
    }

    private void batchNorm(Node n) {
        Value v = data(n, 0, false);
        FoundLayer l = open(n, v, n.input(0), "a BatchNormalization");
        if (l.kind != Layer.Kind.CONV || l.activation != Activation.NONE) {
            throw new NotMobileNetV2Exception(n.describe() + " normalises the output of " + l.describe()
                    + (l.activation != Activation.NONE ? " after its activation" : "") + "; MobileNetV2 has BatchNorm right after convs only");
        }
        if (n.attrInt("training_mode", 0) != 0 || n.outputs().stream().skip(1).anyMatch(o -> consumers.getOrDefault(o, 0) > 0)) {
            throw new NotMobileNetV2Exception(n.describe() + " is in training mode");
        }
        float[] gamma = floats(n, 1, "scale");
        float[] beta = floats(n, 2, "bias");
        float[] mean = floats(n, 3, "mean");
        float[] var = floats(n, 4, "variance");
        int c = l.outChannels;
        if (gamma.length != c || beta.length != c || mean.length != c || var.length != c) {
            throw new NotMobileNetV2Exception(n.describe() + " has parameters for a different channel count than " + c);
        }
        WeightFolding.batchNorm(l, gamma, beta, mean, var, n.attrFloat("epsilon", 1e-5));
        moveOpen(n, l, v);
    }

    private void add(Node n) {
        if (values.containsKey(n.input(0)) && values.containsKey(n.input(1))) {
            residual(n);
            return;
        }
        int dataAt = values.containsKey(n.input(0)) ? 0 : 1;
        Value v = data(n, dataAt, false);
        FoundLayer l = open(n, v, n.input(dataAt), "a constant Add");
        if (l.activation != Activation.NONE) {
            throw new NotMobileNetV2Exception(n.describe() + " adds a constant after the activation of " + l.describe());
        }
        WeightFolding.addBias(l, perChannel(n, 1 - dataAt, l, v, "bias"));
        moveOpen(n, l, v);
    }

    private void scale(Node n) {
        int dataAt = values.containsKey(n.input(0)) ? 0 : 1;
        Value v = data(n, dataAt, false);
        FoundLayer l = open(n, v, n.input(dataAt), "a constant Mul");
        if (l.activation != Activation.NONE) {
            throw new NotMobileNetV2Exception(n.describe() + " scales the output of " + l.describe() + " after its activation");
        }
        WeightFolding.scale(l, perChannel(n, 1 - dataAt, l, v, "scale"));
        moveOpen(n, l, v);
    }

    /**
     * A constant that broadcasts over the layer's output per channel: one value, or one per channel
     * laid out along the channel axis ([C,1,1] or [1,C,1,1] on a map; [C] or [1,C] on flat features).
     */
    private float[] perChannel(Node n, int i, FoundLayer l, Value v, String what) {
        Tensor t = constant(n, i, what);
        float[] f = floats(n, i, what);
        int c = l.outChannels;
        if (f.length == 1) {
            float[] all = new float[c];
            Arrays.fill(all, f[0]);
            return all;
        }
        long[] d = t.dims();
        boolean alongChannels = f.length == c && (v.flat()
                ? d.length <= 2
                : d.length >= 3 && d[d.length - 1] == 1 && d[d.length - 2] == 1);
        if (!alongChannels) {
            throw new NotMobileNetV2Exception(n.describe() + ": its " + what + " of dims " + Arrays.toString(d)
                    + " does not broadcast per channel over the " + c + " channels of " + l.describe());
        }
        return f;
    }

    private void residual(Node n) {
        Value a = data(n, 0, false);
        Value b = data(n, 1, false);
        if (a.flat() || b.flat() || a.h() != b.h() || a.w() != b.w() || a.c() != b.c()) {
            throw new NotMobileNetV2Exception(n.describe() + " adds tensors of different shapes (" + a.h() + "x" + a.w() + "x" + a.c()
                    + " and " + b.h() + "x" + b.w() + "x" + b.c() + ")");
        }
        int[] shape = {a.h(), a.w(), a.c()};
        FoundLayer l = new FoundLayer(Layer.Kind.ADD, n, new int[] {a.layer(), b.layer()}, shape, shape, 0, 0, 0, new int[4]);
        addLayer(n, l, new Value(layers.size(), a.h(), a.w(), a.c(), false, null));
    }

    private void clip(Node n) {
        Value v = data(n, 0, false);
        double min;
        double max;
        if (graph.opset() < 11) {
            min = n.attrFloat("min", Double.NEGATIVE_INFINITY);
            max = n.attrFloat("max", Double.POSITIVE_INFINITY);
        } else {
            min = n.input(1).isEmpty() ? Double.NEGATIVE_INFINITY : scalar(n, 1, "minimum");
            max = n.input(2).isEmpty() ? Double.POSITIVE_INFINITY : scalar(n, 2, "maximum");
        }
        if (min != 0 || max != 6) {
            throw new NotMobileNetV2Exception(n.describe() + " clips to [" + min + ", " + max + "], which is not ReLU6's [0, 6]");
        }
        activation(n, Activation.RELU6);
    }

    private double scalar(Node n, int i, String what) {
        float[] f = floats(n, i, what);
        if (f.length != 1) throw new NotMobileNetV2Exception(n.describe() + ": its " + what + " is not a scalar");
        return f[0];
    }

    private void activation(Node n, Activation a) {
        Value v = data(n, 0, false);
        FoundLayer l = open(n, v, n.input(0), a == Activation.RELU6 ? "a ReLU6" : "a " + a.name());
        if (l.activation != Activation.NONE) {
            throw new NotMobileNetV2Exception(n.describe() + " is a second activation after " + l.describe());
        }
        l.activation = a;
        moveOpen(n, l, v);
    }

    private void softmax(Node n) {
        Value v = data(n, 0, false);
        long axis = n.attrInt("axis", graph.opset() < 13 ? 1 : -1);
        if (!v.flat() || (axis != 1 && axis != -1)) {
            throw new NotMobileNetV2Exception(n.describe() + " is not a softmax over the classes of flat logits");
        }
        FoundLayer l = open(n, v, n.input(0), "a Softmax");
        if (l.kind != Layer.Kind.DENSE) throw new NotMobileNetV2Exception(n.describe() + " follows " + l.describe() + ", not a dense layer");
        activation(n, Activation.SOFTMAX);
    }

    private void pool(Node n) {
        Value v = data(n, 0, false);
        if (v.flat()) throw new NotMobileNetV2Exception(n.describe() + " pools flattened features");
        boolean keepDims = true;
        switch (n.opType()) {
            case "ReduceMean" -> {
                long[] axes = n.attrInts("axes");
                if (axes == null && !n.input(1).isEmpty()) axes = constants.longs(n.input(1));
                long[] norm = axes == null ? null : Arrays.stream(axes).map(x -> x < 0 ? x + 4 : x).sorted().toArray();
                if (!Arrays.equals(norm, new long[] {2, 3})) {
                    throw new NotMobileNetV2Exception(n.describe() + " averages over axes " + Arrays.toString(axes)
                            + ", not the spatial axes (2, 3)");
                }
                keepDims = n.attrInt("keepdims", 1) != 0;
            }
            case "AveragePool" -> {
                long[] k = n.attrInts("kernel_shape");
                long[] p = n.attrInts("pads");
                boolean padded = p != null && Arrays.stream(p).anyMatch(x -> x != 0);
                String auto = n.attrString("auto_pad", "NOTSET");
                if (k == null || k[0] != v.h() || k[1] != v.w() || padded || !(auto.equals("NOTSET") || auto.equals("VALID"))) {
                    throw new NotMobileNetV2Exception(n.describe() + " pools " + Arrays.toString(k) + " windows, not the whole "
                            + v.h() + "x" + v.w() + " map");
                }
            }
            default -> { }
        }
        FoundLayer l = new FoundLayer(Layer.Kind.GLOBAL_AVG_POOL, n, new int[] {v.layer()}, new int[] {v.h(), v.w(), v.c()},
                new int[] {1, 1, v.c()}, 0, 0, 0, new int[4]);
        addLayer(n, l, new Value(layers.size(), 1, 1, v.c(), !keepDims, null));
    }

    private void flatten(Node n) {
        Value v = data(n, 0, false);
        if (!v.flat() && (v.h() != 1 || v.w() != 1)) {
            throw new NotMobileNetV2Exception(n.describe() + " flattens a " + v.h() + "x" + v.w() + " map; MobileNetV2 pools it first");
        }
        switch (n.opType()) {
            case "Flatten" -> {
                if (n.attrInt("axis", 1) != 1) throw new NotMobileNetV2Exception(n.describe() + " does not flatten to [N, C]");
            }
            case "Reshape" -> {
                if (!shapeDerived.contains(n.input(1))) {
                    long[] s = constants.longs(n.input(1));
                    if (s == null || s.length != 2 || (s[1] != v.c() && s[1] != -1)) {
                        throw new NotMobileNetV2Exception(n.describe() + " reshapes the pooled features to "
                                + (s == null ? "a shape that is not constant" : Arrays.toString(s)) + ", not [N, " + v.c() + "]");
                    }
                }
            }
            default -> { // Squeeze
                long[] axes = n.attrInts("axes");
                if (axes == null && !n.input(1).isEmpty()) axes = constants.longs(n.input(1));
                long[] norm = axes == null ? null : Arrays.stream(axes).map(x -> x < 0 ? x + 4 : x).sorted().toArray();
                if (axes != null && !v.flat() && !Arrays.equals(norm, new long[] {2, 3})) {
                    throw new NotMobileNetV2Exception(n.describe() + " squeezes axes " + Arrays.toString(axes) + ", not (2, 3)");
                }
            }
        }
        put(n, new Value(v.layer(), 1, 1, v.c(), true, null));
    }

    private void dense(Node n) {
        Value v = data(n, 0, false);
        if (!v.flat()) throw new NotMobileNetV2Exception(n.describe() + " multiplies a " + v.h() + "x" + v.w() + " map, not pooled features");
        Tensor wt = constant(n, 1, "weight");
        float[] w = floats(n, 1, "weight");
        long[] d = wt.dims();
        boolean gemm = n.opType().equals("Gemm");
        if (d.length != 2 || (gemm && n.attrInt("transA", 0) != 0)) {
            throw new NotMobileNetV2Exception(n.describe() + " is not features x weight (weight dims " + Arrays.toString(d) + ")");
        }
        boolean outFirst = gemm && n.attrInt("transB", 0) != 0;
        int in = (int) (outFirst ? d[1] : d[0]);
        int out = (int) (outFirst ? d[0] : d[1]);
        if (in != v.c()) throw new NotMobileNetV2Exception(n.describe() + " expects " + in + " features, gets " + v.c());
        FoundLayer l = new FoundLayer(Layer.Kind.DENSE, n, new int[] {v.layer()}, new int[] {1, 1, in}, new int[] {1, 1, out},
                0, 0, 0, new int[4]);
        l.weight = outFirst ? w.clone() : WeightFolding.transpose(w, in, out);
        l.bias = new float[out];
        addLayer(n, l, new Value(layers.size(), 1, 1, out, true, null));
        if (gemm) {
            float alpha = (float) n.attrFloat("alpha", 1);
            float beta = (float) n.attrFloat("beta", 1);
            if (alpha != 1f) WeightFolding.scaleWeights(l, alpha);
            if (!n.input(2).isEmpty()) {
                float[] c = floats(n, 2, "bias");
                if (c.length != out && c.length != 1) throw new NotMobileNetV2Exception(n.describe() + " has " + c.length + " biases for " + out + " outputs");
                for (int o = 0; o < out; o++) l.bias[o] = beta * c[c.length == 1 ? 0 : o];
            }
        }
    }

    /** The graph output that carries the last layer's output. */
    private String classifierOutput() {
        if (layers.isEmpty() || layers.get(layers.size() - 1).kind != Layer.Kind.DENSE) {
            throw new NotMobileNetV2Exception("the graph does not end in a dense layer"
                    + (layers.isEmpty() ? "" : " (its last layer is " + layers.get(layers.size() - 1).describe() + ")"));
        }
        int last = layers.size() - 1;
        String found = null;
        for (OnnxNodes.ValueInfo o : graph.outputs()) {
            Value v = values.get(o.name());
            if (v == null || v.layer() != last) continue;
            if (o.name().equals(layers.get(last).openTensor)) return o.name();
            if (found == null) found = o.name();
        }
        if (found == null) throw new NotMobileNetV2Exception("no graph output carries the output of " + layers.get(last).describe());
        return found;
    }
}
