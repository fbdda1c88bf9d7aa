package org.sparkimage.model.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorRangeTest {
    @Test
    void zeroIsAlwaysInsideAndExact() {
        TensorRange r = new TensorRange(0.5f, 3f);
        assertEquals(0f, r.min());
        assertEquals(0, r.zeroPoint());
        TensorRange s = new TensorRange(-1f, 3f);
        assertEquals(4f / 255, s.scale(), 1e-9);
        assertEquals(64, s.zeroPoint()); // 1 / (4/255) = 63.75
        assertEquals(0f, s.scale() * (s.zeroPoint() - s.zeroPoint()));
    }

    @Test
    void reluSixClampsTheRange() {
        TensorRange r = new TensorRange(-2f, 9f).clampedTo(0f, 6f);
        assertEquals(new TensorRange(0f, 6f), r);
        assertEquals(6f / 255, r.scale(), 1e-9);
    }

    @Test
    void anAllZeroTensorHasAStepOfOne() {
        assertEquals(1f, new TensorRange(0f, 0f).scale());
    }

    @Test
    void badRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TensorRange(2f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new TensorRange(Float.NaN, 1f));
        assertThrows(IllegalArgumentException.class, () -> new TensorRange(0f, Float.POSITIVE_INFINITY));
    }
}
