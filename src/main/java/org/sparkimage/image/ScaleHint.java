package org.sparkimage.image;

/**
 * The smallest upright size a consumer of the pixels needs. A decoder that can scale while
 * decoding (JPEG DCT scaling) may return a smaller image as long as both sides stay at or above
 * these, e.g. a model's 224x224 input, or the 256 shorter side of a resize-then-crop.
 *
 * @param minWidth  0 = full resolution
 * @param minHeight 0 = full resolution
 */
public record ScaleHint(int minWidth, int minHeight) {
    public static final ScaleHint FULL_RESOLUTION = new ScaleHint(0, 0);
    private static final int[] REDUCTIONS = {8, 4, 2};

    public ScaleHint {
        if (minWidth < 0 || minHeight < 0) throw new IllegalArgumentException("negative size " + minWidth + "x" + minHeight);
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
