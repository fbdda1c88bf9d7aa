package org.sparkimage.cli;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Quantization;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.Precision;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The per-image options of every command that classifies (a picocli mixin): how images are read
 * ({@link ImageReadOptions}, shared with {@code train}), top-k, embeddings and precision. The
 * defaults are the field values, taken from {@link ClassifierSettings}, the one place that defines them.
 */
public final class ClassifierOptions {
    @Mixin
    ImageReadOptions image = new ImageReadOptions();

    @Option(names = "--top-k", paramLabel = "K",
            description = "Classes kept per row in top_k, best first (at most the model's classes). Default: ${DEFAULT-VALUE}.")
    int topK = ClassifierSettings.DEFAULT_TOP_K;

    @Option(names = "--embeddings", description = "Add an 'embedding' column: the model's pooled features (1280 values for"
            + " MobileNetV2 1.0) as a Spark ML vector.")
    boolean embeddings;

    @Option(names = "--precision", paramLabel = "P",
            description = "fp32: the model as it is; int8: the product quantizes it first (int8 weights and activations,"
                    + " calibrated on --calibration-images images), measured 2.2x the inference rate and 1.65x the job's on"
                    + " ImageNet-sized JPEGs; against fp32 on 126 wallpapers no confident top-1 flip, mean |dp| 0.011"
                    + " (docs/throughput.md). Needs a CPU with VNNI (warned otherwise). Default: ${DEFAULT-VALUE}.")
    Precision precision = Quantization.DEFAULT_PRECISION;

    @Option(names = "--calibration", paramLabel = "PATH",
            description = "int8: folder, glob or Hadoop URI of calibration images. Default: the first images of the input.")
    String calibration;

    @Option(names = "--calibration-images", paramLabel = "N",
            description = "int8: decodable images to calibrate on (at least " + Quantization.MIN_CALIBRATION_IMAGES + ")."
                    + " Default: ${DEFAULT-VALUE}.")
    int calibrationImages = Quantization.DEFAULT_CALIBRATION_IMAGES;

    @Option(names = "--calibration-method", paramLabel = "M",
            description = "int8: minmax or percentile (each tail cut at 99.99 %%). Default: ${DEFAULT-VALUE}.")
    CalibrationMethod calibrationMethod = Quantization.DEFAULT_METHOD;

    @Option(names = "--int8-cache", paramLabel = "DIR", description = Int8CacheOption.DESCRIPTION)
    String int8Cache = Quantization.DEFAULT_CACHE;

    /**
     * The settings these options describe.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    public ClassifierSettings settings() {
        return image.settings(topK, embeddings, new Quantization(precision, calibration, calibrationImages, calibrationMethod,
                int8Cache));
    }
}
