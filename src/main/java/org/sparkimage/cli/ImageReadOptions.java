package org.sparkimage.cli;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Quantization;
import org.sparkimage.image.DecodeMode;

import picocli.CommandLine.Option;

/**
 * How every command that reads images reads them (a picocli mixin of {@code classify}, through
 * {@link ClassifierOptions}, and of {@code train}): batch size, size and pixel limits, the decode
 * time budget and the decode mode. The defaults are the field values, taken from
 * {@link ClassifierSettings}, the one place that defines them.
 */
public final class ImageReadOptions {
    @Option(names = "--batch-size", paramLabel = "N", description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize = ClassifierSettings.DEFAULT_BATCH_SIZE;

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
            description = "full: every image at full resolution, what the reference runtime sees (JPEGs decode only the rows"
                    + " and columns the model's resize reads: the same pixels, faster on large photos); whole: the same, every"
                    + " pixel decoded; scaled: JPEGs decoded at"
                    + " the smallest DCT scale (1/2..1/8) still at least twice the model input, ~3.4x faster decode of large"
                    + " JPEGs but NOT label-preserving: on the 126 wallpapers of the decode study it changed the top-1 of 2 of"
                    + " 110 confident images, |dp| p99 0.33 (docs/throughput.md); imageio: javax.imageio only (slow baseline)."
                    + " Default: ${DEFAULT-VALUE}.")
    DecodeMode decodeMode = ClassifierSettings.DEFAULT_DECODE_MODE;

    /**
     * The settings these options describe, with the rest given.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    ClassifierSettings settings(int topK, boolean embeddings, Quantization quantization) {
        if (maxFileMb < 1 || maxFileMb > (Long.MAX_VALUE >> 20)) throw new IllegalArgumentException("--max-file-mb must be positive");
        return new ClassifierSettings(batchSize, topK, maxFileMb << 20,
                ClassifierSettings.decodeLimits(maxMegapixels, decodeTimeoutSeconds), decodeMode, embeddings, quantization);
    }
}
