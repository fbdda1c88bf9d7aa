package org.sparkimage.model.quant;

/**
 * The float range an activation tensor is quantized over, and the uint8 scale and zero point that
 * follow from it (asymmetric: {@code real = scale * (q - zeroPoint)}). The range always includes 0
 * so that zero (conv padding, ReLU's floor) is exact.
 *
 * @param min lower end, at most 0
 * @param max upper end, at least 0
 */
public record TensorRange(float min, float max) {
    public TensorRange {
        if (!(min <= max) || Float.isInfinite(min) || Float.isInfinite(max)) {
            throw new IllegalArgumentException("bad range [" + min + ", " + max + "]");
        }
        min = Math.min(min, 0f) + 0f; // + 0f turns -0.0 into 0.0
        max = Math.max(max, 0f);
    }

    /** The same range cut to {@code [lo, hi]} (e.g. ReLU6's [0, 6]). */
    public TensorRange clampedTo(float lo, float hi) {
        return new TensorRange(Math.max(min, lo), Math.min(max, hi));
    }

    /** The uint8 step; 1 for an all-zero tensor, whose every value is then exact anyway. */
    public float scale() {
        float s = (max - min) / 255f;
        return s > 0 ? s : 1f;
    }

    /** The uint8 code of 0.0. */
    public int zeroPoint() {
        return Math.max(0, Math.min(255, Math.round(-min / scale())));
    }
}
