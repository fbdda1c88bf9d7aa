package org.sparkimage.model.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.sparkimage.model.Activation;
import org.sparkimage.model.ChannelRule;
import org.sparkimage.model.Head;
import org.sparkimage.model.Layer;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.Padding;
import org.sparkimage.model.StageConfig;

/**
 * Finds the {@link MobileNetV2Spec} whose layers are exactly the layers a
 * {@link MobileNetV2GraphWalker} found: every conv with the spec's channels, kernel, stride, groups,
 * padding and activation, every residual add joining the spec's two tensors, one global pooling,
 * then the head. The width multiplier, channel rule and padding convention are inferred by trying
 * candidates (the published widths first, then widths the channel counts imply); when none fits,
 * the message describes the first difference from the candidate that fits longest.
 */
final class MobileNetV2SpecMatcher {
    private static final double[] PUBLISHED_WIDTHS = {1.0, 0.35, 0.5, 0.75, 1.3, 1.4};

    /**
     * A spec and which found layer is which of its layers.
     *
     * @param spec    the architecture
     * @param byLayer spec layer name to found layer (convs and dense layers are what callers need)
     */
    record Match(MobileNetV2Spec spec, Map<String, FoundLayer> byLayer) {}

    /** A candidate's verdict: how many layers matched before the first difference, and that difference. */
    private record Verdict(int matched, String difference) {}

    private MobileNetV2SpecMatcher() {}

    /**
     * Matches the layers of a walked graph.
     *
     * @throws NotMobileNetV2Exception when no MobileNetV2 has exactly these layers
     */
    static Match match(List<FoundLayer> found, int resolution) {
        Head head = head(found);
        Verdict best = null;
        String bestCandidate = null;
        for (double width : candidateWidths(found)) {
            for (ChannelRule rule : ChannelRule.values()) {
                for (Padding padding : Padding.values()) {
                    MobileNetV2Spec spec;
                    try {
                        spec = new MobileNetV2Spec(width, resolution, head, padding, rule);
                        spec.layers();
                    } catch (IllegalArgumentException e) {
                        continue; // a width that leaves a stage empty
                    }
                    Verdict v = compare(spec, found);
                    if (v.difference() == null) return new Match(spec, mapping(spec, found));
                    if (best == null || v.matched() > best.matched()) {
                        best = v;
                        bestCandidate = describe(spec);
                    }
                }
            }
        }
        if (best == null) throw new NotMobileNetV2Exception("no MobileNetV2 width fits a " + resolution + "px input");
        throw new NotMobileNetV2Exception(best.difference() + " (closest candidate: " + bestCandidate + ")");
    }

    private static String describe(MobileNetV2Spec s) {
        return String.format(Locale.ROOT, "width %s, %s channels, %s padding", widthText(s.width()), s.channels().label(),
                s.padding().name().toLowerCase(Locale.ROOT));
    }

    private static String widthText(double w) {
        String t = String.format(Locale.ROOT, "%.4f", w).replaceAll("0+$", "");
        return t.endsWith(".") ? t + "0" : t;
    }

    /** The dense layers after the pooling, with their activations. */
    private static Head head(List<FoundLayer> found) {
        List<Head.DenseLayer> dense = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            FoundLayer l = found.get(i);
            if (l.kind != Layer.Kind.DENSE) continue;
            if (l.activation == Activation.SOFTMAX && i != found.size() - 1) {
                throw new NotMobileNetV2Exception("the softmax after " + l.describe() + " is not at the end of the head");
            }
            dense.add(new Head.DenseLayer(l.outChannels, l.activation));
        }
        if (dense.isEmpty()) throw new NotMobileNetV2Exception("the graph has no dense layer after its pooling");
        return new Head(dense);
    }

    /**
     * The published widths, then widths the found channel counts imply: the stem's over 32, every
     * stage's last projection over its published channels, the last conv's over 1280.
     */
    private static List<Double> candidateWidths(List<FoundLayer> found) {
        Set<Double> widths = new LinkedHashSet<>();
        for (double w : PUBLISHED_WIDTHS) widths.add(w);
        List<FoundLayer> convs = found.stream().filter(l -> l.kind == Layer.Kind.CONV).toList();
        if (convs.isEmpty()) return List.copyOf(widths);
        // Projections are the convs without activation; their order follows the stages.
        List<FoundLayer> projections = convs.stream().filter(l -> l.activation == Activation.NONE).toList();
        int block = 0;
        for (StageConfig stage : StageConfig.MOBILENET_V2) {
            block += stage.repeats();
            if (block - 1 < projections.size()) widths.add(round((double) projections.get(block - 1).outChannels / stage.channels()));
        }
        widths.add(round((double) convs.get(0).outChannels / MobileNetV2Spec.STEM_CHANNELS));
        int last = convs.get(convs.size() - 1).outChannels;
        if (last > MobileNetV2Spec.LAST_CHANNELS) widths.add(round((double) last / MobileNetV2Spec.LAST_CHANNELS));
        widths.removeIf(w -> !(w > 0) || w > 4);
        return List.copyOf(widths);
    }

    /** Four decimals: the published widths are round numbers, and channel ratios near them should equal them. */
    private static double round(double w) {
        return Math.round(w * 10000) / 10000.0;
    }

    /** Compares the spec's layers with the found ones in order; the first difference ends the comparison. */
    private static Verdict compare(MobileNetV2Spec spec, List<FoundLayer> found) {
        List<Layer> layers = spec.layers();
        Map<String, Integer> index = new LinkedHashMap<>();
        index.put("input", FoundLayer.IMAGE);
        for (int i = 0; i < layers.size(); i++) {
            Layer s = layers.get(i);
            if (i >= found.size()) {
                return new Verdict(i, "the graph ends after " + found.get(found.size() - 1).describe() + " where "
                        + widthPhrase(spec) + " continues with " + what(s));
            }
            FoundLayer f = found.get(i);
            String d = difference(spec, s, f, index);
            if (d != null) return new Verdict(i, d);
            index.put(s.name(), i);
        }
        if (found.size() > layers.size()) {
            return new Verdict(layers.size(), found.get(layers.size()).describe() + " comes after the end of " + widthPhrase(spec));
        }
        return new Verdict(layers.size(), null);
    }

    private static String widthPhrase(MobileNetV2Spec spec) {
        return "a width-" + widthText(spec.width()) + (spec.channels() == ChannelRule.SEED ? " (seed channel rule)" : "")
                + " MobileNetV2";
    }

    private static String what(Layer s) {
        return switch (s.kind()) {
            case CONV -> (s.isDepthwise() ? "depthwise conv " : "conv ") + s.name();
            case ADD -> "residual add " + s.name();
            case GLOBAL_AVG_POOL -> "global average pooling";
            case DENSE -> "dense layer " + s.name();
        };
    }

    /** How found layer {@code f} differs from spec layer {@code s}, or null. */
    private static String difference(MobileNetV2Spec spec, Layer s, FoundLayer f, Map<String, Integer> index) {
        String mnv2 = widthPhrase(spec);
        if (f.kind != s.kind()) return f.describe() + " stands where " + mnv2 + " has " + what(s);
        int[] expectedInputs = s.inputs().stream().mapToInt(index::get).sorted().toArray();
        int[] actualInputs = Arrays.stream(f.inputs).sorted().toArray();
        if (!Arrays.equals(expectedInputs, actualInputs)) {
            return f.describe() + " reads " + (s.kind() == Layer.Kind.ADD ? "other tensors than the block input and projection that "
                    + mnv2 + " adds in " + s.name() : "another tensor than " + mnv2 + "'s " + what(s) + " does");
        }
        if (s.kind() == Layer.Kind.CONV) return convDifference(spec, s, f, mnv2);
        if (s.kind() == Layer.Kind.DENSE && f.inChannels != s.in().channels()) {
            return f.describe() + " reads " + f.inChannels + " features where " + mnv2 + " has " + s.in().channels();
        }
        return null;
    }

    private static String convDifference(MobileNetV2Spec spec, Layer s, FoundLayer f, String mnv2) {
        String at = " (" + s.name() + ")";
        if (f.kernel != s.kernel() || f.stride != s.stride()) {
            return f.describe() + " is a " + f.kernel + "x" + f.kernel + "/" + f.stride + " conv where " + mnv2 + " has a "
                    + s.kernel() + "x" + s.kernel() + "/" + s.stride() + at;
        }
        if (f.groups != s.groups()) {
            return f.describe() + " has " + f.groups + " groups where " + mnv2 + " has " + s.groups() + at;
        }
        if (f.outChannels != s.out().channels() || f.inChannels != s.in().channels()) {
            return f.describe() + " has " + f.outChannels + " channels (from " + f.inChannels + ") where " + mnv2 + " has "
                    + s.out().channels() + " (from " + s.in().channels() + ")" + at;
        }
        if (!Arrays.equals(f.pads, s.pads())) {
            return f.describe() + " pads " + Arrays.toString(f.pads) + " (top, left, bottom, right) where "
                    + spec.padding().name().toLowerCase(Locale.ROOT) + " padding has " + Arrays.toString(s.pads()) + at;
        }
        if (f.activation != s.activation()) {
            if (s.activation() == Activation.NONE) {
                return f.describe() + " is followed by " + f.activation + " but " + mnv2 + "'s " + s.name() + " is linear";
            }
            return f.describe() + (f.activation == Activation.NONE ? " has no activation" : " is followed by " + f.activation)
                    + " where " + mnv2 + " has " + s.activation() + at;
        }
        return null;
    }

    private static Map<String, FoundLayer> mapping(MobileNetV2Spec spec, List<FoundLayer> found) {
        Map<String, FoundLayer> m = new LinkedHashMap<>();
        List<Layer> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) m.put(layers.get(i).name(), found.get(i));
        return m;
    }
}
