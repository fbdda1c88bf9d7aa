package org.sparkimage.model.tfjs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sparkimage.model.Activation;
import org.sparkimage.model.BatchNorm;
import org.sparkimage.model.Head;
import org.sparkimage.model.Layer;
import org.sparkimage.model.LayerWeights;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.Padding;
import org.sparkimage.model.WeightSource;

/**
 * Maps a Keras {@code applications.MobileNetV2} saved as a TF.js layers model (layer names
 * {@code Conv1}, {@code expanded_conv_*}, {@code block_N_*}, {@code Conv_1}, then Dense layers) onto
 * a {@link MobileNetV2Spec}, after checking that every conv of the file has the kernel, stride,
 * padding and channel count the spec expects and that the residual adds sit where the spec puts them.
 * Keras kernels (HWIO, depthwise HWC1, dense IO) are transposed to ONNX order and each
 * BatchNorm is folded into its conv.
 */
public final class KerasMobileNetV2Importer implements WeightSource {
    private static final double[] PUBLISHED_WIDTHS = {0.35, 0.5, 0.75, 1.0, 1.3, 1.4};

    private final TfjsFiles files;
    private final Map<String, Map<String, Object>> layersByName = new LinkedHashMap<>();
    private final List<String> denseLayers = new ArrayList<>();
    private final MobileNetV2Spec spec;
    private final String description;

    public KerasMobileNetV2Importer(TfjsFiles files, String description) {
        this.files = files;
        this.description = description;
        for (Map<String, Object> l : layerList(files.topology())) {
            String name = (String) l.get("name");
            layersByName.put(name, l);
            if ("Dense".equals(l.get("class_name"))) denseLayers.add(name);
        }
        this.spec = inferSpec();
        checkTopology();
    }

    public MobileNetV2Spec spec() {
        return spec;
    }

    @Override
    public String description() {
        return description;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> layerList(Map<String, Object> topology) {
        Map<String, Object> modelConfig = (Map<String, Object>) topology.get("model_config");
        Map<String, Object> config = (Map<String, Object>) modelConfig.get("config");
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Object o : (List<Object>) config.get("layers")) layers.add((Map<String, Object>) o);
        return layers;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> config(String layer) {
        Map<String, Object> l = layersByName.get(layer);
        if (l == null) throw new IllegalArgumentException("not a Keras MobileNetV2: layer '" + layer + "' is missing");
        return (Map<String, Object>) l.get("config");
    }

    private static int intAt(Object list, int i) {
        return ((Double) ((List<?>) list).get(i)).intValue();
    }

    @SuppressWarnings("unchecked")
    private MobileNetV2Spec inferSpec() {
        List<Object> inputShape = null;
        for (Map<String, Object> l : layersByName.values()) {
            if ("InputLayer".equals(l.get("class_name"))) {
                inputShape = (List<Object>) ((Map<String, Object>) l.get("config")).get("batch_input_shape");
            }
        }
        if (inputShape == null || inputShape.size() != 4 || intAt(inputShape, 3) != 3) {
            throw new IllegalArgumentException("expected an NHWC RGB input layer, got " + inputShape);
        }
        int h = intAt(inputShape, 1);
        if (h != intAt(inputShape, 2)) throw new IllegalArgumentException("only square inputs are supported, got " + inputShape);
        List<Head.DenseLayer> head = new ArrayList<>();
        for (String d : denseLayers) {
            Map<String, Object> c = config(d);
            head.add(new Head.DenseLayer(((Double) c.get("units")).intValue(), activation((String) c.get("activation"))));
        }
        int[] projectFilters = new int[17];
        for (int b = 0; b < 17; b++) projectFilters[b] = ((Double) config(keras(b, "project")).get("filters")).intValue();
        int lastFilters = ((Double) config("Conv_1").get("filters")).intValue();
        for (double w : PUBLISHED_WIDTHS) {
            MobileNetV2Spec candidate = new MobileNetV2Spec(w, h, new Head(head), Padding.TF_SAME);
            boolean match = candidate.lastChannels() == lastFilters;
            for (Layer l : candidate.layers()) {
                if (l.name().endsWith("_project")) {
                    int b = Integer.parseInt(l.name().substring(5, l.name().indexOf('_')));
                    match &= l.out().channels() == projectFilters[b];
                }
            }
            if (match) return candidate;
        }
        throw new IllegalArgumentException("channel counts match no published MobileNetV2 width");
    }

    private static Activation activation(String keras) {
        return switch (keras) {
            case "linear" -> Activation.NONE;
            case "relu" -> Activation.RELU;
            case "softmax" -> Activation.SOFTMAX;
            default -> throw new IllegalArgumentException("unsupported dense activation '" + keras + "'");
        };
    }

    /** Keras layer name of a block's conv ({@code expand}, {@code depthwise}, {@code project}). */
    private static String keras(int block, String part) {
        return block == 0 ? "expanded_conv_" + part : "block_" + block + "_" + part;
    }

    /** Keras conv layer behind a spec conv layer. */
    private static String kerasConv(Layer l) {
        if (l.name().equals("stem")) return "Conv1";
        if (l.name().equals("last_conv")) return "Conv_1";
        String n = l.name();
        int underscore = n.indexOf('_');
        return keras(Integer.parseInt(n.substring(5, underscore)), n.substring(underscore + 1));
    }

    private static String kerasBatchNorm(String conv) {
        return switch (conv) {
            case "Conv1" -> "bn_Conv1";
            case "Conv_1" -> "Conv_1_bn";
            default -> conv + "_BN";
        };
    }

    /** Every conv has the spec's kernel, stride, padding and width; adds sit where the spec has them. */
    private void checkTopology() {
        int convs = 0;
        int adds = 0;
        for (Map<String, Object> l : layersByName.values()) {
            String cls = (String) l.get("class_name");
            if (cls.equals("Conv2D") || cls.equals("DepthwiseConv2D")) convs++;
            if (cls.equals("Add")) adds++;
        }
        int specConvs = 0;
        int specAdds = 0;
        for (Layer l : spec.layers()) {
            if (l.kind() == Layer.Kind.ADD) {
                specAdds++;
                config(l.name().replace("block", "block_"));
            }
            if (l.kind() != Layer.Kind.CONV) continue;
            specConvs++;
            String name = kerasConv(l);
            Map<String, Object> c = config(name);
            int kernel = intAt(c.get("kernel_size"), 0);
            int stride = intAt(c.get("strides"), 0);
            if (kernel != l.kernel() || stride != l.stride()) {
                throw new IllegalArgumentException(name + ": kernel " + kernel + " stride " + stride + ", spec expects "
                        + l.kernel() + "/" + l.stride());
            }
            int[] shape = files.shape(name + (l.isDepthwise() ? "/depthwise_kernel" : "/kernel"));
            int outChannels = l.isDepthwise() ? shape[2] * shape[3] : shape[3];
            if (outChannels != l.out().channels()) {
                throw new IllegalArgumentException(name + " has " + outChannels + " channels, spec expects " + l.out().channels());
            }
            checkPadding(name, c, l);
        }
        checkPooling();
        if (convs != specConvs || adds != specAdds) {
            throw new IllegalArgumentException("file has " + convs + " convs and " + adds + " adds, MobileNetV2 has "
                    + specConvs + " and " + specAdds);
        }
    }

    /** Between the last conv and the head there must be a pooling over the whole feature map. */
    private void checkPooling() {
        Layer lastConv = spec.layers().stream().filter(l -> l.name().equals("last_conv")).findFirst().orElseThrow();
        for (Map<String, Object> l : layersByName.values()) {
            String cls = (String) l.get("class_name");
            if (cls.equals("GlobalAveragePooling2D")) return;
            if (cls.equals("AveragePooling2D")) {
                Object size = config((String) l.get("name")).get("pool_size");
                if (intAt(size, 0) == lastConv.out().height() && intAt(size, 1) == lastConv.out().width()) return;
                throw new IllegalArgumentException("average pooling " + size + " does not cover the " + lastConv.out() + " map");
            }
        }
        throw new IllegalArgumentException("no global average pooling before the head");
    }

    @SuppressWarnings("unchecked")
    private void checkPadding(String conv, Map<String, Object> c, Layer l) {
        int[] p = l.pads();
        if ("same".equals(c.get("padding"))) return; // TF "same" is what the spec uses
        if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0) return; // "valid" where "same" pads nothing
        // "valid" conv after an explicit ZeroPadding2D: its pads must be the TF "same" ones.
        String padLayer = conv.equals("Conv1") ? "Conv1_pad" : conv.replace("_depthwise", "_pad");
        List<Object> pad = (List<Object>) config(padLayer).get("padding");
        int top = intAt(pad.get(0), 0);
        int bottom = intAt(pad.get(0), 1);
        int left = intAt(pad.get(1), 0);
        int right = intAt(pad.get(1), 1);
        if (top != p[0] || left != p[1] || bottom != p[2] || right != p[3]) {
            throw new IllegalArgumentException(padLayer + " pads differ from TF 'same' padding");
        }
    }

    @Override
    public LayerWeights conv(Layer l) {
        String name = kerasConv(l);
        String key = name + (l.isDepthwise() ? "/depthwise_kernel" : "/kernel");
        float[] k = files.weight(key);
        int[] s = files.shape(key); // [kh, kw, in, out] or depthwise [kh, kw, channels, 1]
        int kh = s[0];
        int kw = s[1];
        int out = l.out().channels();
        int inPerGroup = l.in().channels() / l.groups();
        float[] oihw = new float[k.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < inPerGroup; i++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        int src = l.isDepthwise() ? ((y * kw + x) * s[2] + o) * s[3] : ((y * kw + x) * s[2] + i) * s[3] + o;
                        oihw[((o * inPerGroup + i) * kh + y) * kw + x] = k[src];
                    }
                }
            }
        }
        String bn = kerasBatchNorm(name);
        double eps = (Double) config(bn).getOrDefault("epsilon", 1e-3);
        return new BatchNorm(files.weight(bn + "/gamma"), files.weight(bn + "/beta"), files.weight(bn + "/moving_mean"),
                files.weight(bn + "/moving_variance"), eps).foldInto(oihw);
    }

    @Override
    public LayerWeights dense(Layer l) {
        List<String> specDense = spec.layers().stream().filter(x -> x.kind() == Layer.Kind.DENSE).map(Layer::name).toList();
        String name = denseLayers.get(specDense.indexOf(l.name()));
        float[] k = files.weight(name + "/kernel"); // [in, out]
        int in = l.in().channels();
        int out = l.out().channels();
        float[] w = new float[k.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) w[o * in + i] = k[i * out + o];
        }
        return new LayerWeights(w, files.weight(name + "/bias").clone());
    }
}
