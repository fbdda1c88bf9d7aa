package org.sparkimage.model;

import java.util.Locale;

/**
 * How a width multiplier turns the published channel counts into a network's channels. The two
 * rules agree at width 1.0 and differ elsewhere, so a checkpoint trained with one cannot be loaded
 * into the other's shapes.
 */
public enum ChannelRule {
    /**
     * torchvision's and Keras' rule: {@code _make_divisible(c * width, 8)} for the stem and every
     * stage, last conv 1280 unless width &gt; 1 (then rounded the same way).
     */
    DIVISIBLE8,
    /**
     * The rule of the design note the product started from ({@code ../shared/seed/}): the stem stays
     * at 32 channels, every stage has {@code int(c * width)} channels (truncated, so odd counts such
     * as 5, 11 and 33 at width 0.35 occur), last conv 1280 unless width &gt; 1 (then
     * {@code int(1280 * width)}).
     */
    SEED;

    /** Output channels of the stem conv. */
    public int stem(double width) {
        return this == SEED ? MobileNetV2Spec.STEM_CHANNELS : MobileNetV2Spec.makeDivisible(MobileNetV2Spec.STEM_CHANNELS * width);
    }

    /** Output channels of a stage whose published (width 1.0) count is {@code channels}. */
    public int stage(int channels, double width) {
        int c = this == SEED ? (int) (channels * width) : MobileNetV2Spec.makeDivisible(channels * width);
        if (c < 1) throw new IllegalArgumentException("width " + width + " leaves a stage of " + channels + " channels with none");
        return c;
    }

    /** Output channels of the last 1x1 conv (the pooled features). */
    public int last(double width) {
        if (width <= 1.0) return MobileNetV2Spec.LAST_CHANNELS;
        return this == SEED ? (int) (MobileNetV2Spec.LAST_CHANNELS * width) : MobileNetV2Spec.makeDivisible(MobileNetV2Spec.LAST_CHANNELS * width);
    }

    /** The lower-case name used on command lines and in docs ({@code divisible8}, {@code seed}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
