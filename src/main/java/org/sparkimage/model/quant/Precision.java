package org.sparkimage.model.quant;

import java.util.Locale;

/** The arithmetic a model runs in. */
public enum Precision {
    /** 32-bit float: the model as written or imported. */
    FP32,
    /** 8-bit integer convolutions, built by the product from the fp32 model and a calibration sample. */
    INT8;

    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("precision must be fp32 or int8, got '" + s + "'");
        }
    }

    /** The name as the CLI and the ML Param spell it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
