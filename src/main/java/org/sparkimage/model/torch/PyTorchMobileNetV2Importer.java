package org.sparkimage.model.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.sparkimage.model.BatchNorm;
import org.sparkimage.model.ChannelRule;
import org.sparkimage.model.Head;
import org.sparkimage.model.Layer;
import org.sparkimage.model.LayerWeights;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.Padding;
import org.sparkimage.model.WeightSource;

/**
 * Maps a PyTorch MobileNetV2 {@code state_dict} (the seed design's classes or torchvision's) onto a
 * {@link MobileNetV2Spec}: finds the key layout, the channel rule and the width whose every conv
 * and BatchNorm shape matches the tensors, checks that no key is left over, and serves the weights
 * with each BatchNorm folded into its conv. PyTorch stores conv weights as OIHW and linear weights
 * as [out][in], which is ONNX order already, so nothing is transposed.
 */
public final class PyTorchMobileNetV2Importer implements WeightSource {
    /** Widths tried when none is given, besides the one the last stage's channels suggest. */
    private static final double[] KNOWN_WIDTHS = {0.25, 0.35, 0.5, 0.75, 1.0, 1.3, 1.4, 1.5, 2.0};
    private static final String[] BATCH_NORM = {"weight", "bias", "running_mean", "running_var"};

    /**
     * What the state_dict cannot say itself.
     *
     * @param variant    the code the checkpoint was trained with, or null to tell it from the keys
     * @param width      the width multiplier, or null to find it from the shapes
     * @param resolution the input size the model is to take (a state_dict does not fix one)
     * @param bnEpsilon  the BatchNorm epsilon of the modules (PyTorch's default, 1e-5, in both
     *                   layouts; a state_dict does not store it)
     */
    public record Options(PyTorchLayout variant, Double width, int resolution, double bnEpsilon) {
        /** Checks the values. */
        public Options {
            if (!(bnEpsilon > 0) || bnEpsilon > 1) throw new IllegalArgumentException("BatchNorm epsilon must be in (0, 1], got " + bnEpsilon);
        }
    }

    private final StateDict dict;
    private final PyTorchLayout layout;
    private final MobileNetV2Spec spec;
    private final double bnEpsilon;
    private final String description;

    /**
     * Reads the architecture from {@code dict}.
     *
     * @throws CheckpointException when the tensors are not a MobileNetV2 of either layout, a key is
     *                             missing or left over, or a shape differs from the spec's
     */
    public PyTorchMobileNetV2Importer(StateDict dict, Options options, String description) {
        this.dict = dict;
        this.bnEpsilon = options.bnEpsilon();
        this.description = description;
        PyTorchLayout found = PyTorchLayout.detect(dict.keys());
        if (found == null) {
            throw new CheckpointException("not a MobileNetV2 state_dict: it has neither the seed design's nor torchvision's block keys"
                    + " (features.1.conv.0.weight or features.1.conv.0.0.weight); its first keys are " + firstKeys());
        }
        if (options.variant() != null && options.variant() != found) {
            throw new CheckpointException("--variant " + options.variant().label() + " was given, but the keys are "
                    + found.label() + "'s (" + (found == PyTorchLayout.SEED ? "features.1.conv.0.weight" : "features.1.conv.0.0.weight") + ")");
        }
        this.layout = found;
        int classes = shape(PyTorchLayout.CLASSIFIER + ".weight", 2)[0];
        this.spec = match(options, classes);
        checkKeys();
    }

    /** The architecture the tensors fit. */
    public MobileNetV2Spec spec() {
        return spec;
    }

    /** The key layout of the state_dict. */
    public PyTorchLayout layout() {
        return layout;
    }

    @Override
    public String description() {
        return description;
    }

    /** The first spec, over channel rules and widths, whose every shape fits; else the reason none did. */
    private MobileNetV2Spec match(Options options, int classes) {
        List<ChannelRule> rules = new ArrayList<>(List.of(layout.channels()));
        if (options.variant() == null) rules.add(layout.channels() == ChannelRule.SEED ? ChannelRule.DIVISIBLE8 : ChannelRule.SEED);
        Set<Double> widths = new LinkedHashSet<>();
        if (options.width() != null) {
            widths.add(options.width());
        } else {
            widths.add(suggestedWidth());
            for (double w : KNOWN_WIDTHS) widths.add(w);
        }
        String firstMismatch = null;
        for (ChannelRule rule : rules) {
            for (double w : widths) {
                MobileNetV2Spec candidate = new MobileNetV2Spec(w, options.resolution(), Head.classifier(classes),
                        Padding.SYMMETRIC, rule);
                String mismatch = mismatch(candidate);
                if (mismatch == null) return candidate;
                if (firstMismatch == null) firstMismatch = mismatch;
            }
        }
        throw new CheckpointException(options.width() != null
                ? "the checkpoint is not a width-" + MobileNetV2Spec.formatWidth(options.width()) + " " + layout.label()
                        + " MobileNetV2: " + firstMismatch
                : "the checkpoint's shapes fit no MobileNetV2 width with " + layout.label() + " modules (tried "
                        + widths.stream().map(MobileNetV2Spec::formatWidth).toList() + "; pass --width if it is another): "
                        + firstMismatch);
    }

    /** The width the last stage's 320-channel projection suggests ({@code channels / 320}, to 2 decimals). */
    private double suggestedWidth() {
        String key = layout.modules(lastProjection(), true)[0] + ".weight";
        int[] s = dict.get(key) == null ? null : dict.get(key).shape();
        if (s == null || s.length != 4) return 1.0;
        return Math.max(0.01, Math.round(s[0] / 320.0 * 100) / 100.0);
    }

    private static Layer lastProjection() {
        return MobileNetV2Spec.imagenet(1.0, 224, 1).layers().stream().filter(l -> l.name().equals("block16_project"))
                .findFirst().orElseThrow();
    }

    /** Null when every conv, BatchNorm and the classifier have the spec's shapes, else the first difference. */
    private String mismatch(MobileNetV2Spec candidate) {
        for (Layer l : candidate.layers()) {
            if (l.kind() == Layer.Kind.CONV) {
                String[] m = layout.modules(l, hasExpand(candidate, l));
                int[] want = {l.out().channels(), l.in().channels() / l.groups(), l.kernel(), l.kernel()};
                String bad = differs(m[0] + ".weight", want, candidate);
                if (bad != null) return bad;
                for (String p : BATCH_NORM) {
                    bad = differs(m[1] + "." + p, new int[] {l.out().channels()}, candidate);
                    if (bad != null) return bad;
                }
            } else if (l.kind() == Layer.Kind.DENSE) {
                String bad = differs(PyTorchLayout.CLASSIFIER + ".weight", new int[] {l.out().channels(), l.in().channels()}, candidate);
                if (bad != null) return bad;
                bad = differs(PyTorchLayout.CLASSIFIER + ".bias", new int[] {l.out().channels()}, candidate);
                if (bad != null) return bad;
            }
        }
        return null;
    }

    private String differs(String key, int[] want, MobileNetV2Spec candidate) {
        TorchTensor t = dict.get(key);
        String where = "a width-" + MobileNetV2Spec.formatWidth(candidate.width()) + " MobileNetV2 with "
                + candidate.channels().label() + " channels";
        if (t == null) return "key " + key + " is missing (" + where + " has it)";
        if (!Arrays.equals(t.shape(), want)) {
            return key + " has shape " + Arrays.toString(t.shape()) + ", " + where + " needs " + Arrays.toString(want);
        }
        return null;
    }

    private static boolean hasExpand(MobileNetV2Spec spec, Layer l) {
        if (!l.name().startsWith("block")) return false;
        String expand = l.name().substring(0, l.name().indexOf('_')) + "_expand";
        return spec.layers().stream().anyMatch(x -> x.name().equals(expand));
    }

    /** Every key is one the spec maps, or a BatchNorm's {@code num_batches_tracked} (training bookkeeping). */
    private void checkKeys() {
        Set<String> expected = new TreeSet<>();
        for (Layer l : spec.layers()) {
            if (l.kind() != Layer.Kind.CONV) continue;
            String[] m = layout.modules(l, hasExpand(spec, l));
            expected.add(m[0] + ".weight");
            for (String p : BATCH_NORM) expected.add(m[1] + "." + p);
            expected.add(m[1] + ".num_batches_tracked");
        }
        expected.add(PyTorchLayout.CLASSIFIER + ".weight");
        expected.add(PyTorchLayout.CLASSIFIER + ".bias");
        List<String> extra = dict.keys().stream().filter(k -> !expected.contains(k)).toList();
        if (!extra.isEmpty()) {
            throw new CheckpointException("the checkpoint has " + extra.size() + " key(s) a " + spec.id() + " does not: "
                    + extra.subList(0, Math.min(8, extra.size())) + (extra.size() > 8 ? " ..." : "")
                    + " (a conv with a bias, an extra layer or another head cannot be imported)");
        }
    }

    private String firstKeys() {
        List<String> k = dict.keys();
        return k.subList(0, Math.min(5, k.size())).toString();
    }

    private int[] shape(String key, int rank) {
        TorchTensor t = dict.get(key);
        if (t == null) throw new CheckpointException("not a MobileNetV2 state_dict: key " + key + " (the linear classifier) is missing");
        if (t.shape().length != rank) {
            throw new CheckpointException(key + " has shape " + Arrays.toString(t.shape()) + ", expected " + rank + " dimensions");
        }
        return t.shape();
    }

    private float[] floats(String key) {
        try {
            return dict.get(key).floats();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public LayerWeights conv(Layer layer) {
        String[] m = layout.modules(layer, hasExpand(spec, layer));
        BatchNorm bn = new BatchNorm(floats(m[1] + ".weight"), floats(m[1] + ".bias"), floats(m[1] + ".running_mean"),
                floats(m[1] + ".running_var"), bnEpsilon);
        return bn.foldInto(floats(m[0] + ".weight"));
    }

    @Override
    public LayerWeights dense(Layer layer) {
        return new LayerWeights(floats(PyTorchLayout.CLASSIFIER + ".weight"), floats(PyTorchLayout.CLASSIFIER + ".bias"));
    }
}
