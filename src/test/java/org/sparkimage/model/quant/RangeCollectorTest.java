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
}
