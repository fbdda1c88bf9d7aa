package org.sparkimage.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The MobileNetV2 architecture (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
 * Bottlenecks", CVPR 2018) at a given width multiplier and input resolution, with a pluggable head.
 *
 * <p>Structure: a 3x3 stride-2 stem conv (32 channels x width), the inverted-residual stages of
 * {@link StageConfig#MOBILENET_V2} (1x1 expand conv when t != 1, 3x3 depthwise conv carrying the
 * stage stride on its first block, 1x1 linear projection; BatchNorm after every conv; ReLU6 after
 * all but the projection; a residual add only where stride == 1 and input channels == output
 * channels), a 1x1 conv to 1280 channels (scaled only when width > 1), global average pooling and
 * the head. Channel counts follow {@code channels}: multiples of 8 as torchvision and Keras round
 * them ({@link ChannelRule#DIVISIBLE8}, the default), or the seed design's truncation with a fixed
 * stem ({@link ChannelRule#SEED}).
 *
 * @param width      width multiplier (0.35, 0.5, 0.75, 1.0, 1.3, 1.4 are the published ones)
 * @param resolution square input size in pixels
 * @param head       layers after pooling
 * @param padding    where conv padding goes (PyTorch symmetric or TensorFlow "same")
 * @param channels   how the width multiplier rounds channel counts
 */
public record MobileNetV2Spec(double width, int resolution, Head head, Padding padding, ChannelRule channels) {

    public static final int STEM_CHANNELS = 32;
    public static final int LAST_CHANNELS = 1280;
    private static final int DIVISOR = 8;

    public MobileNetV2Spec {
        if (!(width > 0) || width > 4) throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + width);
        if (resolution < 32) throw new IllegalArgumentException("resolution must be >= 32, got " + resolution);
        if (head == null || padding == null || channels == null) throw new NullPointerException("head, padding and channels are required");
    }

    /** A spec with torchvision's and Keras' channel rule ({@link ChannelRule#DIVISIBLE8}). */
    public MobileNetV2Spec(double width, int resolution, Head head, Padding padding) {
        this(width, resolution, head, padding, ChannelRule.DIVISIBLE8);
    }

    /** This spec with another head (a new classifier on the same backbone). */
    public MobileNetV2Spec withHead(Head newHead) {
        return new MobileNetV2Spec(width, resolution, newHead, padding, channels);
    }

    /** This spec with another channel rule. */
    public MobileNetV2Spec withChannels(ChannelRule rule) {
        return new MobileNetV2Spec(width, resolution, head, padding, rule);
    }

    /** The ImageNet classifier of torchvision: symmetric padding, one linear layer to logits. */
    public static MobileNetV2Spec imagenet(double width, int resolution, int classes) {
        return new MobileNetV2Spec(width, resolution, Head.classifier(classes), Padding.SYMMETRIC);
    }

    /**
     * torchvision/TF {@code _make_divisible}: nearest multiple of 8, at least 8, and never more than
     * 10% below {@code value}.
     */
    public static int makeDivisible(double value) {
        int v = Math.max(DIVISOR, (int) (value + DIVISOR / 2.0) / DIVISOR * DIVISOR);
        if (v < 0.9 * value) v += DIVISOR;
        return v;
    }

    /** Output channels of the stem conv. */
    public int stemChannels() {
        return channels.stem(width);
    }

    /** Output channels of the last conv, which are the pooled features. */
    public int lastChannels() {
        return channels.last(width);
    }

    /** The layers in execution order (a topological order of the graph). */
    public List<Layer> layers() {
        List<Layer> layers = new ArrayList<>();
        Shape x = new Shape(resolution, resolution, 3);
        String prev = "input";
        Layer stem = conv("stem", prev, x, stemChannels(), 3, 2, 1, Activation.RELU6);
        layers.add(stem);
        x = stem.out();
        prev = stem.name();
        int block = 0;
        for (StageConfig stage : StageConfig.MOBILENET_V2) {
            int outChannels = channels.stage(stage.channels(), width);
            for (int i = 0; i < stage.repeats(); i++, block++) {
                int stride = i == 0 ? stage.stride() : 1;
                String blockInput = prev;
                Shape blockIn = x;
                String p = "block" + block + "_";
                int hidden = x.channels() * stage.expansion();
                if (stage.expansion() != 1) {
                    Layer expand = conv(p + "expand", prev, x, hidden, 1, 1, 1, Activation.RELU6);
                    layers.add(expand);
                    x = expand.out();
                    prev = expand.name();
                }
                Layer dw = conv(p + "depthwise", prev, x, hidden, 3, stride, hidden, Activation.RELU6);
                layers.add(dw);
                Layer project = conv(p + "project", dw.name(), dw.out(), outChannels, 1, 1, 1, Activation.NONE);
                layers.add(project);
                x = project.out();
                prev = project.name();
                if (stride == 1 && blockIn.channels() == outChannels) {
                    Layer add = new Layer(p + "add", Layer.Kind.ADD, List.of(blockInput, project.name()), x, x,
                            0, 0, 0, new int[4], false, Activation.NONE, 0, 0);
                    layers.add(add);
                    prev = add.name();
                }
            }
        }
        Layer last = conv("last_conv", prev, x, lastChannels(), 1, 1, 1, Activation.RELU6);
        layers.add(last);
        x = last.out();
        Layer pool = new Layer("pool", Layer.Kind.GLOBAL_AVG_POOL, List.of(last.name()), x, new Shape(1, 1, x.channels()),
                0, 0, 0, new int[4], false, Activation.NONE, 0, 0);
        layers.add(pool);
        prev = pool.name();
        Shape features = pool.out();
        List<Head.DenseLayer> dense = head.layers();
        for (int j = 0; j < dense.size(); j++) {
            Head.DenseLayer d = dense.get(j);
            String name = j == dense.size() - 1 ? "classifier" : "fc" + (j + 1);
            Shape out = new Shape(1, 1, d.units());
            long params = (long) features.channels() * d.units() + d.units();
            long macs = (long) features.channels() * d.units();
            Layer fc = new Layer(name, Layer.Kind.DENSE, List.of(prev), features, out, 0, 0, 0, new int[4], false,
                    d.activation(), params, macs);
            layers.add(fc);
            prev = name;
            features = out;
        }
        return Collections.unmodifiableList(layers);
    }

    private Layer conv(String name, String input, Shape in, int outChannels, int kernel, int stride, int groups,
                       Activation activation) {
        int[] ph = padding.pads(in.height(), kernel, stride);
        int[] pw = padding.pads(in.width(), kernel, stride);
        int oh = (in.height() + ph[0] + ph[1] - kernel) / stride + 1;
        int ow = (in.width() + pw[0] + pw[1] - kernel) / stride + 1;
        Shape out = new Shape(oh, ow, outChannels);
        long weights = (long) outChannels * (in.channels() / groups) * kernel * kernel;
        long params = weights + 2L * outChannels; // BatchNorm gamma + beta
        long macs = weights * oh * ow;
        return new Layer(name, Layer.Kind.CONV, List.of(input), in, out, kernel, stride, groups,
                new int[] {ph[0], pw[0], ph[1], pw[1]}, true, activation, params, macs);
    }

    /** Trainable parameters (torchvision convention: BatchNorm gamma/beta counted, running stats not). */
    public long params() {
        return layers().stream().mapToLong(Layer::params).sum();
    }

    /** Multiply-accumulates of one forward pass of one image (convs and dense layers). */
    public long macs() {
        return layers().stream().mapToLong(Layer::macs).sum();
    }

    /** Number of BatchNorm channels; folding BN into convs turns their 2 params each into 1 bias. */
    public long batchNormChannels() {
        return layers().stream().filter(Layer::batchNorm).mapToLong(l -> l.out().channels()).sum();
    }

    /**
     * A short identifier such as {@code mobilenetv2-1.0-224-c1000}; the seed channel rule adds
     * {@code -seed} ({@code mobilenetv2-0.5-160-c10-seed}).
     */
    public String id() {
        return String.format(Locale.ROOT, "mobilenetv2-%s-%d-c%d%s", formatWidth(width), resolution, head.classes(),
                channels == ChannelRule.DIVISIBLE8 ? "" : "-" + channels.label());
    }

    /** A width as specs print it: two decimals, a trailing zero dropped ({@code 0.35}, {@code 0.5}, {@code 1.0}). */
    public static String formatWidth(double w) {
        String s = String.format(Locale.ROOT, "%.2f", w);
        return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
    }

    /** A Keras-style model summary: one line per layer with shapes, params and MACs, and totals. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "MobileNetV2 width %s, %dx%d input, %d classes, %s padding, %s channels%n",
                formatWidth(width), resolution, resolution, head.classes(), padding.name().toLowerCase(Locale.ROOT),
                channels.label()));
        String fmt = "%-20s %-10s %-14s %-14s %12s %15s%n";
        b.append(String.format(Locale.ROOT, fmt, "layer", "op", "input HxWxC", "output HxWxC", "params", "MACs"));
        b.append("-".repeat(90)).append('\n');
        for (Layer l : layers()) {
            b.append(String.format(Locale.ROOT, fmt, l.name(), describe(l), l.in(), l.out(),
                    String.format(Locale.ROOT, "%,d", l.params()), String.format(Locale.ROOT, "%,d", l.macs())));
        }
        b.append("-".repeat(90)).append('\n');
        b.append(String.format(Locale.ROOT, "total params: %,d (BatchNorm gamma/beta included, running stats not)%n", params()));
        b.append(String.format(Locale.ROOT, "total MACs:   %,d (%.1f M)%n", macs(), macs() / 1e6));
        return b.toString();
    }

    private static String describe(Layer l) {
        return switch (l.kind()) {
            case CONV -> (l.isDepthwise() ? "dw" : "conv") + l.kernel() + "x" + l.kernel() + "/" + l.stride();
            case ADD -> "add";
            case GLOBAL_AVG_POOL -> "avgpool";
            case DENSE -> "dense";
        };
    }
}
