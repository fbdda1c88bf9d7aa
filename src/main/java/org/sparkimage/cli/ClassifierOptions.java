package org.sparkimage.cli;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Quantization;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.Precision;

import picocli.CommandLine.Option;

/**
 * The per-image options of every command that classifies (a picocli mixin). The defaults are the
 * field values, taken from {@link ClassifierSettings}, the one place that defines them.
 */
public final class ClassifierOptions {
    @Option(names = "--batch-size", paramLabel = "N", description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize = ClassifierSettings.DEFAULT_BATCH_SIZE;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Classes kept per row in top_k, best first (at most the model's classes). Default: ${DEFAULT-VALUE}.")
    int topK = ClassifierSettings.DEFAULT_TOP_K;

    @Option(names = "--max-file-mb", paramLabel = "MB",
            description = "Images (files, table cells, tar members) larger than this become TOO_LARGE rows without being read."
                    + " Default: ${DEFAULT-VALUE}.")
    long maxFileMb = ClassifierSettings.DEFAULT_MAX_IMAGE_MB;

    @Option(names = "--max-megapixels", paramLabel = "MP",
            description = "Images declaring more pixels in their header become TOO_LARGE rows. Default: ${DEFAULT-VALUE}.")
    double maxMegapixels = ClassifierSettings.DEFAULT_MAX_MEGAPIXELS;

    @Option(names = "--decode-timeout-seconds", paramLabel = "S",
            description = "Wall time one image may take to decode before it becomes a TIMEOUT row. Default: ${DEFAULT-VALUE}.")
    double decodeTimeoutSeconds = ClassifierSettings.DEFAULT_DECODE_TIMEOUT_SECONDS;

    @Option(names = "--decode", paramLabel = "MODE",
            description = "full: every image at full resolution, what the reference runtime sees; scaled: JPEGs decoded at"
                    + " the smallest DCT scale (1/2..1/8) still at least twice the model input, ~3.4x faster decode of large"
                    + " JPEGs but NOT label-preserving: on the 126 wallpapers of the decode study it changed the top-1 of 2 of"
                    + " 110 confident images, |dp| p99 0.33 (docs/throughput.md); imageio: javax.imageio only (slow baseline)."
                    + " Default: ${DEFAULT-VALUE}.")
    DecodeMode decodeMode = ClassifierSettings.DEFAULT_DECODE_MODE;

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

    /**
     * The settings these options describe.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    public ClassifierSettings settings() {
        if (maxFileMb < 1 || maxFileMb > (Long.MAX_VALUE >> 20)) throw new IllegalArgumentException("--max-file-mb must be positive");
        return new ClassifierSettings(batchSize, topK, maxFileMb << 20,
                ClassifierSettings.decodeLimits(maxMegapixels, decodeTimeoutSeconds), decodeMode, embeddings,
                new Quantization(precision, calibration, calibrationImages, calibrationMethod));
    }
}
