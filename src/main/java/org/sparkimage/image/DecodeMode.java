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
    /**
     * Default. Everything at full resolution: what reference runtimes see. For a two-tap resize,
     * JPEGs decode only the rows and columns it reads ({@link Preprocessor#sampledHint()}), which
     * gives the model the same pixels as WHOLE.
     */
    FULL,
    /** Everything at full resolution with every pixel decoded: the reference FULL is checked against. */
    WHOLE,
    /** Everything through javax.imageio at full resolution: the slow baseline benchmarks compare against. */
    IMAGEIO;

    public static DecodeMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("decode mode must be full, whole, scaled or imageio, got '" + s + "'");
        }
    }

    /** The name as the CLI and the ML Param spell it: {@code full}, {@code whole}, {@code scaled}, {@code imageio}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The decoder for this mode, built on {@code base}. */
    public ImageDecoder decoder(GuardedImageDecoder base) {
        return this == IMAGEIO ? base.withoutNativeJpeg() : base;
    }

    /** What a decoder in this mode is asked for, for a model preprocessed by {@code pre}. */
    public ScaleHint hint(Preprocessor pre) {
        return switch (this) {
            case SCALED -> pre.scaleHint();
            case FULL -> pre.sampledHint();
            case WHOLE, IMAGEIO -> ScaleHint.FULL_RESOLUTION;
        };
    }
}
