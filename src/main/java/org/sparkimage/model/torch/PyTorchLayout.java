package org.sparkimage.model.torch;

import java.util.List;

import org.sparkimage.model.ChannelRule;
import org.sparkimage.model.Layer;

/**
 * Where a MobileNetV2's modules sit in a PyTorch {@code state_dict}: the module path of the conv
 * and of the BatchNorm behind each conv layer of a {@link org.sparkimage.model.MobileNetV2Spec},
 * and of the linear classifier. Both layouts number the stem {@code features.0}, the 17 blocks
 * {@code features.1}..{@code features.17} and the last conv {@code features.18}; they differ inside a
 * block, where torchvision nests conv + BatchNorm + ReLU6 in a {@code Conv2dNormActivation}.
 */
public enum PyTorchLayout {
    /**
     * The seed design's classes ({@code ../shared/seed/}): a block's {@code conv} is one flat
     * Sequential, so expand/BN/ReLU6/depthwise/BN/ReLU6/project/BN are {@code conv.0} .. {@code conv.7}
     * ({@code conv.0} .. {@code conv.4} without the expand conv).
     */
    SEED(ChannelRule.SEED),
    /**
     * torchvision's {@code mobilenet_v2}: {@code conv.0.0}/{@code conv.0.1} expand conv and BN,
     * {@code conv.1.0}/{@code conv.1.1} depthwise, {@code conv.2}/{@code conv.3} projection (one fewer
     * level without the expand conv).
     */
    TORCHVISION(ChannelRule.DIVISIBLE8);

    /** The classifier's module path in both layouts ({@code classifier.0} is Dropout). */
    public static final String CLASSIFIER = "classifier.1";

    private final ChannelRule channels;

    PyTorchLayout(ChannelRule channels) {
        this.channels = channels;
    }

    /** The channel rule the code behind this layout uses. */
    public ChannelRule channels() {
        return channels;
    }

    /** The layout whose key for block 0's depthwise conv weight is among {@code keys}, or null. */
    public static PyTorchLayout detect(List<String> keys) {
        if (keys.contains("features.1.conv.0.0.weight")) return TORCHVISION;
        if (keys.contains("features.1.conv.0.weight")) return SEED;
        return null;
    }

    /**
     * Module paths of a conv layer's conv and its BatchNorm: {@code {conv, batchNorm}}.
     *
     * @param layer      a {@link Layer.Kind#CONV} layer of the spec
     * @param hasExpand  whether the layer's block has an expand conv (expansion t != 1)
     */
    public String[] modules(Layer layer, boolean hasExpand) {
        String n = layer.name();
        if (n.equals("stem")) return new String[] {"features.0.0", "features.0.1"};
        if (n.equals("last_conv")) return new String[] {"features.18.0", "features.18.1"};
        int underscore = n.indexOf('_');
        String block = "features." + (Integer.parseInt(n.substring("block".length(), underscore)) + 1) + ".conv.";
        int part = switch (n.substring(underscore + 1)) {
            case "expand" -> 0;
            case "depthwise" -> hasExpand ? 1 : 0;
            case "project" -> hasExpand ? 2 : 1;
            default -> throw new IllegalArgumentException("not a MobileNetV2 conv layer: " + n);
        };
        if (this == SEED) return new String[] {block + 3 * part, block + (3 * part + 1)};
        boolean project = n.endsWith("_project");
        return project ? new String[] {block + part, block + (part + 1)} : new String[] {block + part + ".0", block + part + ".1"};
    }

    /** The lower-case name used on the command line ({@code seed}, {@code torchvision}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
