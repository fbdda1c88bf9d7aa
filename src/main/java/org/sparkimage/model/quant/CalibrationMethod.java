package org.sparkimage.model.quant;

import java.util.Locale;

/** How an activation's quantization range is chosen from the values seen during calibration. */
public enum CalibrationMethod {
    /** The smallest and largest value seen: nothing saturates on the calibration images. */
    MINMAX,
    /**
     * Each tail cut at the 99.99th percentile of its values: rare outliers saturate, and every other
     * value gets a finer step.
     */
    PERCENTILE;

    /** The share of values a {@link #PERCENTILE} range keeps inside on each side. */
    public static final double PERCENTILE_KEPT = 0.9999;

    public static CalibrationMethod parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("calibration method must be minmax or percentile, got '" + s + "'");
        }
    }

    /** The name as the CLI spells it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
