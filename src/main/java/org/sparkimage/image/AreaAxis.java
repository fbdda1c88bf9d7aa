package org.sparkimage.image;

/**
 * Weighted taps along one axis for pixel-area resampling (OpenCV INTER_AREA): when shrinking,
 * output position {@code o} averages the source interval it covers, partial pixels weighted by
 * their overlap; when enlarging, it falls back to half-pixel linear interpolation. Output position
 * {@code o} reads {@code count[o]} samples from {@code first[o]} with weights
 * {@code weight[o*stride ..]} that sum to 1.
 */
final class AreaAxis {
    final int[] first;
    final int[] count;
    final double[] weight;
    final int stride;

    private AreaAxis(int outputs, int stride) {
        this.first = new int[outputs];
        this.count = new int[outputs];
        this.weight = new double[outputs * stride];
        this.stride = stride;
    }

    /** Output positions {@code offset .. offset+outputs-1} of a virtual resize of {@code in} samples to {@code resized}. */
    static AreaAxis of(int in, long resized, long offset, int outputs) {
        if (resized >= in) {
            LerpAxis lerp = LerpAxis.halfPixel(in, resized, offset, outputs);
            AreaAxis a = new AreaAxis(outputs, 2);
            for (int o = 0; o < outputs; o++) {
                a.first[o] = lerp.lo[o];
                a.count[o] = lerp.hi[o] - lerp.lo[o] + 1;
                a.weight[2 * o] = a.count[o] == 1 ? 1.0 : 1.0 - lerp.frac[o];
                a.weight[2 * o + 1] = lerp.frac[o];
            }
            return a;
        }
        double scale = (double) in / resized;
        AreaAxis a = new AreaAxis(outputs, (int) Math.ceil(scale) + 1);
        for (int o = 0; o < outputs; o++) {
            double start = (offset + o) * scale;
            double end = Math.min(in, start + scale);
            int i0 = (int) Math.floor(start);
            int i1 = Math.min(in, (int) Math.ceil(end));
            double total = end - start;
            int n = 0;
            for (int i = i0; i < i1 && n < a.stride; i++) {
                double overlap = Math.min(end, i + 1) - Math.max(start, i);
                if (overlap <= 0) continue;
                if (n == 0) a.first[o] = i;
                a.weight[o * a.stride + n++] = overlap / total;
            }
            a.count[o] = n;
        }
        return a;
    }
}
