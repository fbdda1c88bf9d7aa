package org.sparkimage.image;

/**
 * Taps along one axis for pixel-area resampling (OpenCV INTER_AREA). When shrinking, output
 * position {@code o} averages the source interval {@code [from, to)} it covers, partial pixels
 * weighted by their overlap; when enlarging, it falls back to half-pixel linear interpolation.
 * Output position {@code o} reads {@code count[o]} consecutive samples from {@code first[o]};
 * {@link #weight} gives their weights (summing to 1). Weights are computed on demand, so the
 * table stays proportional to the output size even for a 100000000x1 image.
 */
final class AreaAxis {
    final int[] first;
    final int[] count;
    private final double[] from;
    private final double[] to;
    /** Linear weight of the second tap when enlarging; null when shrinking. */
    private final double[] frac;

    private AreaAxis(int outputs, boolean enlarging) {
        first = new int[outputs];
        count = new int[outputs];
        from = enlarging ? null : new double[outputs];
        to = enlarging ? null : new double[outputs];
        frac = enlarging ? new double[outputs] : null;
    }

    /** Output positions {@code offset .. offset+outputs-1} of a virtual resize of {@code in} samples to {@code resized}. */
    static AreaAxis of(int in, long resized, long offset, int outputs) {
        AreaAxis a = new AreaAxis(outputs, resized >= in);
        if (resized >= in) {
            LerpAxis lerp = LerpAxis.halfPixel(in, resized, offset, outputs);
            for (int o = 0; o < outputs; o++) {
                a.first[o] = lerp.lo[o];
                a.count[o] = lerp.hi[o] - lerp.lo[o] + 1; // 1 where clamped at the edge
                a.frac[o] = lerp.frac[o];
            }
            return a;
        }
        double scale = (double) in / resized;
        for (int o = 0; o < outputs; o++) {
            a.from[o] = (offset + o) * scale;
            a.to[o] = Math.min(in, a.from[o] + scale);
            a.first[o] = (int) Math.floor(a.from[o]);
            a.count[o] = Math.min(in, (int) Math.ceil(a.to[o])) - a.first[o];
        }
        return a;
    }

    /** Weight of tap {@code j} (0 .. count[o]-1) of output position {@code o}. */
    double weight(int o, int j) {
        if (frac != null) return count[o] == 1 ? 1.0 : j == 0 ? 1.0 - frac[o] : frac[o];
        int i = first[o] + j;
        return (Math.min(to[o], i + 1) - Math.max(from[o], i)) / (to[o] - from[o]);
    }
}
