package org.sparkimage.image;

/**
 * What a consumer of the pixels needs. A decoder that can scale while decoding (JPEG DCT scaling)
 * may return a smaller image as long as both sides stay at or above {@code minWidth x minHeight},
 * e.g. a model's 224x224 input, or the 256 shorter side of a resize-then-crop. A decoder that can
 * skip rows (libjpeg-turbo's {@code jpeg_skip_scanlines}) may instead decode, at full resolution,
 * only the rows and columns the {@code sampler} names.
 *
 * @param minWidth  0 = full resolution
 * @param minHeight 0 = full resolution
 * @param sampler   null = every pixel; else which upright rows and columns the consumer reads
 */
public record ScaleHint(int minWidth, int minHeight, Sampler sampler) {
    public static final ScaleHint FULL_RESOLUTION = new ScaleHint(0, 0);
    private static final int[] REDUCTIONS = {8, 4, 2};

    /** The rows and columns a consumer reads of an upright {@code width x height} image, or null for all. */
    @FunctionalInterface
    public interface Sampler {
        SampledAxes axes(int width, int height);
    }

    public ScaleHint {
        if (minWidth < 0 || minHeight < 0) throw new IllegalArgumentException("negative size " + minWidth + "x" + minHeight);
    }

    /** A size hint with every pixel wanted. */
    public ScaleHint(int minWidth, int minHeight) {
        this(minWidth, minHeight, null);
    }

    /** Full resolution, but only the rows and columns {@code sampler} names need be decoded. */
    public static ScaleHint sampled(Sampler sampler) {
        return new ScaleHint(0, 0, sampler);
    }

    public boolean fullResolution() {
        return minWidth == 0 || minHeight == 0;
    }

    /** The largest of 1/8, 1/4, 1/2 that keeps a {@code width x height} image at or above this size; 1 if none. */
    int reductionFor(int width, int height) {
        if (fullResolution()) return 1;
        for (int r : REDUCTIONS) {
            if (ceilDiv(width, r) >= minWidth && ceilDiv(height, r) >= minHeight) return r;
        }
        return 1;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
