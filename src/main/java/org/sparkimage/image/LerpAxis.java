package org.sparkimage.image;

/**
 * Two-tap linear interpolation along one axis: output position {@code o} reads source samples
 * {@code lo[o]} and {@code hi[o]} with weight {@code frac[o]} on {@code hi}. The output positions
 * are {@code offset .. offset+count-1} of a virtual resize of {@code in} samples to {@code resized},
 * so a centre crop is sampled without resizing the whole image.
 */
final class LerpAxis {
    final int[] lo;
    final int[] hi;
    final double[] frac;

    private LerpAxis(int count) {
        lo = new int[count];
        hi = new int[count];
        frac = new double[count];
    }

    /**
     * TF {@code resizeBilinear(alignCorners=true)} as tfjs 4.22 computes it, bit for bit: the
     * ratio first, then {@code f = ratio * position} in double; corners map onto corners.
     */
    static LerpAxis alignCorners(int in, long resized, long offset, int count) {
        LerpAxis a = new LerpAxis(count);
        double ratio = resized > 1 ? (double) (in - 1) / (resized - 1) : 0.0;
        for (int o = 0; o < count; o++) {
            double f = ratio * (offset + o);
            int lo = (int) Math.min(in - 1, Math.floor(f));
            a.lo[o] = lo;
            a.hi[o] = (int) Math.min(in - 1, Math.ceil(f));
            a.frac[o] = f - lo;
        }
        return a;
    }

    /** The distinct source samples this axis reads, ascending. */
    int[] reads() {
        return SampledAxes.union(lo, hi);
    }

    /**
     * The same interpolation over a source reduced to the samples {@code kept} (ascending, a
     * superset of {@link #reads()}): source index {@code kept[k]} becomes {@code k}.
     */
    LerpAxis within(int[] kept) {
        LerpAxis a = new LerpAxis(lo.length);
        for (int o = 0; o < lo.length; o++) {
            a.lo[o] = indexIn(kept, lo[o]);
            a.hi[o] = indexIn(kept, hi[o]);
            a.frac[o] = frac[o];
        }
        return a;
    }

    private static int indexIn(int[] kept, int sample) {
        int k = java.util.Arrays.binarySearch(kept, sample);
        if (k < 0) throw new IllegalArgumentException("sample " + sample + " was not kept");
        return k;
    }

    /** Half-pixel centres (OpenCV INTER_LINEAR, TF halfPixelCenters): {@code f = (o + 0.5) * in/resized - 0.5}, clamped to the image. */
    static LerpAxis halfPixel(int in, long resized, long offset, int count) {
        LerpAxis a = new LerpAxis(count);
        double scale = (double) in / resized;
        for (int o = 0; o < count; o++) {
            double f = Math.min(in - 1, Math.max(0.0, (offset + o + 0.5) * scale - 0.5));
            int lo = (int) Math.floor(f);
            a.lo[o] = lo;
            a.hi[o] = Math.min(lo + 1, in - 1);
            a.frac[o] = f - lo;
        }
        return a;
    }
}
