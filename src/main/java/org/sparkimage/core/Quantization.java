package org.sparkimage.core;

import java.io.Serializable;

import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.Precision;

/**
 * Which precision the model runs in and, for int8, where its calibration sample comes from; each
 * setting defined and defaulted here once (the CLI's options, the ML Params and the benchmark use
 * these).
 *
 * @param precision         fp32 or int8
 * @param calibration       folder, glob or Hadoop URI of calibration images; null: the first images
 *                          of the input
 * @param calibrationImages how many decodable images calibrate the ranges
 * @param method            how each activation's range is read from the calibration values
 * @param cache             where built int8 models are kept for reruns: null for the default folder,
 *                          {@value Int8Cache#NONE} for nowhere, else a folder on the driver
 *                          ({@link Int8Cache#resolve} turns it into one)
 */
public record Quantization(Precision precision, String calibration, int calibrationImages, CalibrationMethod method,
                           String cache) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The precision used unless one is asked for. */
    public static final Precision DEFAULT_PRECISION = Precision.FP32;
    /**
     * 128 images: calibrating costs about three times a classified image, so 256 made int8 only
     * break even on a first run of 2400 files. Halving the images (126 to 64, the most this
     * machine's data allowed) raised the mean |dp| against fp32 by 8-11 % and flipped no confident
     * image (docs/throughput.md, "Calibration made cheaper, and 128 images by default").
     */
    public static final int DEFAULT_CALIBRATION_IMAGES = 128;
    /** Fewer decodable images than this cannot calibrate a model: the run stops (exit 5). */
    public static final int MIN_CALIBRATION_IMAGES = 8;
    /** The method that agreed best with fp32 in the study of docs/throughput.md. */
    public static final CalibrationMethod DEFAULT_METHOD = CalibrationMethod.PERCENTILE;

    /** The int8 cache unless one is named: the user's cache folder ({@link Int8Cache#resolve}). */
    public static final String DEFAULT_CACHE = null;

    /** fp32, nothing to calibrate. */
    public static final Quantization DEFAULT = new Quantization(DEFAULT_PRECISION, null, DEFAULT_CALIBRATION_IMAGES, DEFAULT_METHOD);

    /** With the default int8 cache. */
    public Quantization(Precision precision, String calibration, int calibrationImages, CalibrationMethod method) {
        this(precision, calibration, calibrationImages, method, DEFAULT_CACHE);
    }

    /** Checks every value; the messages name the CLI option. */
    public Quantization {
        if (precision == null || method == null) throw new IllegalArgumentException("precision and calibration method are required");
        if (calibrationImages < MIN_CALIBRATION_IMAGES) {
            throw new IllegalArgumentException("--calibration-images must be at least " + MIN_CALIBRATION_IMAGES + ", got " + calibrationImages);
        }
        if (calibration != null && calibration.isBlank()) throw new IllegalArgumentException("--calibration is empty");
        if (cache != null && cache.isBlank()) throw new IllegalArgumentException("--int8-cache is empty; name a folder or " + Int8Cache.NONE);
    }

    /** int8 with the default calibration. */
    public static Quantization int8() {
        return new Quantization(Precision.INT8, null, DEFAULT_CALIBRATION_IMAGES, DEFAULT_METHOD);
    }

    /** A copy with another calibration source. */
    public Quantization withCalibration(String source) {
        return new Quantization(precision, source, calibrationImages, method, cache);
    }

    /** A copy with another int8 cache ({@link #cache()}). */
    public Quantization withCache(String c) {
        return new Quantization(precision, calibration, calibrationImages, method, c);
    }
}
