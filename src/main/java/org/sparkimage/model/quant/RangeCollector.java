package org.sparkimage.model.quant;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Collects the values of one activation tensor over the calibration images: the exact minimum and
 * maximum, and a histogram of each sign's magnitudes from which a percentile range is read. The
 * histograms cover {@code [0, limit)} in {@value #BINS} equal bins; a larger value doubles the limit
 * by merging neighbouring bins, so memory stays fixed. Limits and bin widths are powers of two, so a
 * value binned finely and then merged lands where binning it at the coarser width would put it: the
 * histograms, like the minimum and maximum, do not depend on the order or grouping of the values.
 *
 * <p>Calibration sends every activation value of every image through {@link #add}, which makes it
 * the hot loop of int8: each chunk's extremes are found first and both histograms grown once to
 * hold them, then every value is binned without a branch (ReLU outputs are half zeros, and a
 * branch on the sign mispredicted often enough to double the cost).
 */
public final class RangeCollector {
    static final int BINS = 4096;
    /** Values copied out of the buffer at a time: array loops run several times faster than buffer gets. */
    private static final int CHUNK = 16384;

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    /** Both histograms in one array, indexed by the sign bit: negative magnitudes first, then positive. */
    private final long[] counts = new long[2 * BINS];
    private final Magnitudes negative = new Magnitudes(0);
    private final Magnitudes positive = new Magnitudes(BINS);

    /** Adds every value from the buffer's position to its limit (the buffer's position is left as is). */
    public void add(FloatBuffer values) {
        FloatBuffer v = values.duplicate();
        float[] chunk = new float[Math.min(CHUNK, v.remaining())];
        while (v.hasRemaining()) {
            int n = Math.min(chunk.length, v.remaining());
            v.get(chunk, 0, n);
            add(chunk, n);
        }
    }

    private void add(float[] chunk, int n) {
        float lo = min;
        float hi = max;
        boolean nan = false;
        for (int i = 0; i < n; i++) {
            float x = chunk[i];
            if (x < lo) lo = x;
            if (x > hi) hi = x;
            nan |= x != x;
        }
        min = lo;
        max = hi;
        if (hi > 0) positive.fit(hi);
        if (lo < 0) negative.fit(-lo);
        if (nan) {
            addSkippingNaN(chunk, n);
            return;
        }
        // Index by the sign bit: scale[1] and offset[1] are the negative side's. A zero of either
        // sign lands in bin 0 of its side and is taken out again: zeros belong to neither tail.
        double[] scale = {positive.binsPerUnit(), negative.binsPerUnit()};
        int[] offset = {positive.offset, negative.offset};
        long[] zeros = new long[2];
        long negatives = 0;
        long[] c = counts;
        for (int i = 0; i < n; i++) {
            float x = chunk[i];
            int bits = Float.floatToRawIntBits(x);
            int sign = bits >>> 31;
            int magnitude = bits & 0x7FFFFFFF;
            c[offset[sign] + (int) (Float.intBitsToFloat(magnitude) * scale[sign])]++;
            zeros[sign] += (magnitude - 1) >>> 31; // 1 for a zero, else 0
            negatives += sign;
        }
        counts[positive.offset] -= zeros[0];
        counts[negative.offset] -= zeros[1];
        positive.total += n - negatives - zeros[0];
        negative.total += negatives - zeros[1];
    }

    /** The value-by-value path for a chunk holding a NaN, which belongs to no bin (as the minimum and maximum ignore it). */
    private void addSkippingNaN(float[] chunk, int n) {
        for (int i = 0; i < n; i++) {
            float x = chunk[i];
            if (x > 0) positive.bin(x); else if (x < 0) negative.bin(-x);
        }
    }

    /** Whether any value was added. */
    public boolean isEmpty() {
        return min > max;
    }

    /**
     * The range by {@code method}.
     *
     * @throws IllegalStateException when nothing was added
     */
    public TensorRange range(CalibrationMethod method) {
        if (isEmpty()) throw new IllegalStateException("no values collected");
        if (method == CalibrationMethod.MINMAX) return new TensorRange(min, max);
        return new TensorRange(-negative.percentile(CalibrationMethod.PERCENTILE_KEPT, -min),
                positive.percentile(CalibrationMethod.PERCENTILE_KEPT, max));
    }

    /** A histogram of positive magnitudes, {@code counts[offset .. offset + BINS)}, whose range doubles as larger values come in. */
    private final class Magnitudes {
        final int offset;
        private double limit = 0;
        long total;

        Magnitudes(int offset) {
            this.offset = offset;
        }

        /** Grows the range until it holds {@code x} (merging bins as it doubles). */
        void fit(float x) {
            if (x < limit) return;
            if (limit == 0) {
                limit = Math.scalb(1.0, Math.getExponent(x) + 1);
                return;
            }
            while (x >= limit) {
                for (int i = 0; i < BINS / 2; i++) counts[offset + i] = counts[offset + 2 * i] + counts[offset + 2 * i + 1];
                Arrays.fill(counts, offset + BINS / 2, offset + BINS, 0);
                limit *= 2;
            }
        }

        /**
         * Bins per unit of value: a power of two, as {@code limit} is, so {@code (int) (x * binsPerUnit())}
         * is exactly {@code (int) (x / limit * BINS)}, the bin of {@code x < limit}.
         */
        double binsPerUnit() {
            return limit == 0 ? 0 : BINS / limit;
        }

        /** Counts {@code 0 < x < limit}. */
        void bin(float x) {
            counts[offset + (int) (x * binsPerUnit())]++;
            total++;
        }

        /** The upper edge of the bin holding the {@code kept} quantile, never above {@code largest}. */
        float percentile(double kept, float largest) {
            if (total == 0) return 0;
            long target = (long) Math.ceil(kept * total);
            long seen = 0;
            for (int i = 0; i < BINS; i++) {
                seen += counts[offset + i];
                if (seen >= target) return (float) Math.min(largest, (i + 1) * limit / BINS);
            }
            return largest;
        }
    }
}
