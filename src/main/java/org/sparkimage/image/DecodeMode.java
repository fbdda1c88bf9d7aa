package org.sparkimage.image;

import java.util.Locale;

/** How the job decodes: speed against exactness ({@code core.ClassifierSettings#DEFAULT_DECODE_MODE} is FULL). */
public enum DecodeMode {
    /**
     * Opt-in. JPEGs through libjpeg-turbo at the smallest DCT scale (1/2, 1/4, 1/8) whose sides stay
     * at or above the preprocessing's {@link Preprocessor#scaleHint()} (twice the model input for a
     * bilinear resize); other formats as FULL. Faster on large JPEGs, but the downscale starts from a
     * DCT-averaged image where the reference samples the full one, and on the decode study's
     * wallpapers that changed confident labels (docs/throughput.md, "Scaled decode: the agreement study").
     */
    SCALED,
    /** Default. Everything at full resolution (JPEGs through libjpeg-turbo): what reference runtimes see. */
    FULL,
    /** Everything through javax.imageio at full resolution: the slow baseline benchmarks compare against. */
    IMAGEIO;

    public static DecodeMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("decode mode must be scaled, full or imageio, got '" + s + "'");
        }
    }

    /** The name as the CLI and the ML Param spell it: {@code scaled}, {@code full}, {@code imageio}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The decoder for this mode, built on {@code base}. */
    public ImageDecoder decoder(GuardedImageDecoder base) {
        return this == IMAGEIO ? base.withoutNativeJpeg() : base;
    }

    /** The scale hint for this mode, given the one the model's preprocessing allows. */
    public ScaleHint hint(ScaleHint modelHint) {
        return this == SCALED ? modelHint : ScaleHint.FULL_RESOLUTION;
    }
}
