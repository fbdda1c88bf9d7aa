package org.sparkimage.model.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RangeCollectorTest {
    @Test
    void minmaxIsExactAndPercentileCutsRareOutliers() {
        RangeCollector c = new RangeCollector();
        Random r = new Random(3);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1; // uniform in [-1, 1)
        v[17] = 500f;
        v[99] = -80f;
        c.add(FloatBuffer.wrap(v, 0, 100_000));
        c.add(FloatBuffer.wrap(v, 100_000, 100_000));
        TensorRange mm = c.range(CalibrationMethod.MINMAX);
        assertEquals(-80f, mm.min());
        assertEquals(500f, mm.max());
        TensorRange p = c.range(CalibrationMethod.PERCENTILE);
        // 0.01 % of ~100k positive values is ~10 values; the cut lands just under 1, within a bin of the limit.
        assertTrue(p.max() > 0.99f && p.max() < 1.2f, "percentile max " + p.max());
        assertTrue(p.min() < -0.99f && p.min() > -1.2f, "percentile min " + p.min());
    }

    @Test
    void aReluOutputHasNoNegativeTail() {
        RangeCollector c = new RangeCollector();
        c.add(FloatBuffer.wrap(new float[] {0f, 0f, 2f, 6f, 3f}));
        assertEquals(0f, c.range(CalibrationMethod.PERCENTILE).min());
        assertEquals(6f, c.range(CalibrationMethod.PERCENTILE).max());
        assertEquals(new TensorRange(0f, 6f), c.range(CalibrationMethod.MINMAX));
    }

    @Test
    void theBufferPositionIsLeftAlone() {
        RangeCollector c = new RangeCollector();
        FloatBuffer b = FloatBuffer.wrap(new float[] {1f, 2f});
        c.add(b);
        assertEquals(0, b.position());
    }

    @Test
    void anEmptyCollectorHasNoRange() {
        assertThrows(IllegalStateException.class, () -> new RangeCollector().range(CalibrationMethod.MINMAX));
    }

    /** However the values are cut into buffers, and whatever their order, the ranges are the same. */
    @Test
    void theRangesDoNotDependOnHowTheValuesArrive() {
        Random r = new Random(11);
        float[] v = new float[100_000];
        for (int i = 0; i < v.length; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(4) - 1));
            v[i] = i % 3 == 0 ? Math.max(0f, x) : x; // ReLU-like stretches of zeros among signed values
        }
        v[5] = -0f;
        RangeCollector whole = new RangeCollector();
        whole.add(FloatBuffer.wrap(v));
        RangeCollector pieces = new RangeCollector();
        for (int i = v.length; i > 0; i -= 7777) pieces.add(FloatBuffer.wrap(v, Math.max(0, i - 7777), Math.min(7777, i)));
        for (CalibrationMethod m : CalibrationMethod.values()) assertEquals(whole.range(m), pieces.range(m), m.toString());
    }

    /** A NaN belongs to no bin and no extreme; zeros of either sign to neither tail. */
    @Test
    void nanAndZerosAreLeftOutOfTheTails() {
        RangeCollector c = new RangeCollector();
        float[] v = new float[10_000];
        for (int i = 0; i < v.length; i++) v[i] = i % 2 == 0 ? 0f : -0f;
        v[1] = 3f;
        v[2] = Float.NaN;
        v[3] = -1f;
        c.add(FloatBuffer.wrap(v));
        assertEquals(new TensorRange(-1f, 3f), c.range(CalibrationMethod.MINMAX));
        assertEquals(new TensorRange(-1f, 3f), c.range(CalibrationMethod.PERCENTILE), "one value per tail: the tail is it");
    }
}
