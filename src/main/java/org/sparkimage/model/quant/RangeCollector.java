package org.sparkimage.model.quant;

import java.nio.FloatBuffer;

/**
 * Collects the values of one activation tensor over the calibration images: the exact minimum and
 * maximum, and a histogram of each sign's magnitudes from which a percentile range is read. The
 * histograms cover {@code [0, limit)} in {@value #BINS} equal bins; a larger value doubles the limit
 * by merging neighbouring bins, so memory stays fixed and the result does not depend on the order
 * the images arrive in beyond the bin width.
 */
public final class RangeCollector {
    static final int BINS = 4096;

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private final Magnitudes positive = new Magnitudes();
    private final Magnitudes negative = new Magnitudes();

    /** Adds every value from the buffer's position to its limit (the buffer's position is left as is). */
    public void add(FloatBuffer values) {
        FloatBuffer v = values.duplicate();
        float lo = min;
        float hi = max;
        while (v.hasRemaining()) {
            float x = v.get();
            if (x < lo) lo = x;
            if (x > hi) hi = x;
            if (x > 0) positive.add(x); else if (x < 0) negative.add(-x);
        }
        min = lo;
        max = hi;
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

    /** A histogram of positive magnitudes whose range doubles as larger values come in. */
    private static final class Magnitudes {
        private final long[] counts = new long[BINS];
        private double limit = 0;
        private long total;

        void add(float x) {
            if (x >= limit) grow(x);
            counts[(int) (x / limit * BINS)]++;
            total++;
        }

        private void grow(float x) {
            if (limit == 0) {
                limit = Math.scalb(1.0, Math.getExponent(x) + 1);
                return;
            }
            while (x >= limit) {
                for (int i = 0; i < BINS / 2; i++) counts[i] = counts[2 * i] + counts[2 * i + 1];
                java.util.Arrays.fill(counts, BINS / 2, BINS, 0);
                limit *= 2;
            }
        }

        /** The upper edge of the bin holding the {@code kept} quantile, never above {@code largest}. */
        float percentile(double kept, float largest) {
            if (total == 0) return 0;
            long target = (long) Math.ceil(kept * total);
            long seen = 0;
            for (int i = 0; i < BINS; i++) {
                seen += counts[i];
                if (seen >= target) return (float) Math.min(largest, (i + 1) * limit / BINS);
            }
            return largest;
        }
    }
}
