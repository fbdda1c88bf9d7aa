package org.sparkimage.core;

import java.io.Serializable;
import java.time.Duration;

import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;

/**
 * The settings of the partition function, each defined and defaulted here once: the CLI's options
 * ({@code cli.ClassifierOptions}, {@code cli.ImageReadOptions}), the ML transformer's Params and the benchmark all take their
 * defaults from these constants.
 *
 * @param batchSize     images per ONNX Runtime run (1..{@value #MAX_BATCH_SIZE})
 * @param topK          classes kept per row in {@code top_k}, best first; capped at the model's classes
 * @param maxImageBytes encoded images (files, table cells, tar members) larger than this are
 *                      {@code TOO_LARGE} rows without being decoded
 * @param decodeLimits  pixel limit and per-image decode time budget
 * @param decodeMode    how JPEGs are decoded: DCT-scaled, full resolution, or javax.imageio only
 * @param embeddings    also emit the model's pooled features (the card must name that output)
 * @param quantization  the precision the model runs in, and the calibration of int8 (resolved on the
 *                      driver, before the model is broadcast)
 */
public record ClassifierSettings(int batchSize, int topK, long maxImageBytes, DecodeLimits decodeLimits,
                                 DecodeMode decodeMode, boolean embeddings, Quantization quantization) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** 16: in the job, where decoding competes for the cache, larger batches reuse the weights better (docs/throughput.md). */
    public static final int DEFAULT_BATCH_SIZE = 16;
    /** Largest accepted batch size. */
    public static final int MAX_BATCH_SIZE = 1024;
    /** Five classes per row, or all of them when the model has fewer. */
    public static final int DEFAULT_TOP_K = 5;
    /** 256 MiB: larger than any photograph, small enough that one read cannot exhaust an executor. */
    public static final long DEFAULT_MAX_IMAGE_MB = 256;
    /** {@link #DEFAULT_MAX_IMAGE_MB} in bytes. */
    public static final long DEFAULT_MAX_IMAGE_BYTES = DEFAULT_MAX_IMAGE_MB << 20;
    /** {@link DecodeLimits#DEFAULT_MAX_PIXELS} in megapixels. */
    public static final double DEFAULT_MAX_MEGAPIXELS = DecodeLimits.DEFAULT_MAX_PIXELS / 1e6;
    /** {@link DecodeLimits#DEFAULT_TIME_BUDGET} in seconds. */
    public static final double DEFAULT_DECODE_TIMEOUT_SECONDS = DecodeLimits.DEFAULT_TIME_BUDGET.toMillis() / 1000.0;
    /**
     * The decode mode used unless one is asked for: full resolution, what the reference runtime
     * sees. No DCT-scaled rule kept the labels on the decode study's photographs (docs/throughput.md,
     * "Scaled decode: the agreement study"), so the faster {@link DecodeMode#SCALED} is opt-in.
     */
    public static final DecodeMode DEFAULT_DECODE_MODE = DecodeMode.FULL;

    /** Every setting at its default. */
    public static final ClassifierSettings DEFAULTS = new ClassifierSettings(DEFAULT_BATCH_SIZE, DEFAULT_TOP_K,
            DEFAULT_MAX_IMAGE_BYTES, DecodeLimits.DEFAULT, DEFAULT_DECODE_MODE, false, Quantization.DEFAULT);

    /** Checks every value; the messages name the CLI option. */
    public ClassifierSettings {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("--batch-size must be in 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (topK < 1) throw new IllegalArgumentException("--top-k must be >= 1, got " + topK);
        if (maxImageBytes < 1) throw new IllegalArgumentException("--max-file-mb must be positive");
        if (decodeLimits == null || decodeMode == null) throw new IllegalArgumentException("decode limits and mode are required");
        if (quantization == null) throw new IllegalArgumentException("quantization is required");
    }

    /**
     * Decode limits from the user's units.
     *
     * @param maxMegapixels  images declaring more pixels are TOO_LARGE
     * @param timeoutSeconds wall time one decode may take before it is a TIMEOUT
     */
    public static DecodeLimits decodeLimits(double maxMegapixels, double timeoutSeconds) {
        if (!(maxMegapixels > 0)) throw new IllegalArgumentException("--max-megapixels must be positive");
        if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("--decode-timeout-seconds must be positive");
        return new DecodeLimits(Math.round(maxMegapixels * 1e6), Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
    }

    /** A copy with another batch size. */
    public ClassifierSettings withBatchSize(int n) {
        return new ClassifierSettings(n, topK, maxImageBytes, decodeLimits, decodeMode, embeddings, quantization);
    }

    /** A copy with another decode mode. */
    public ClassifierSettings withDecodeMode(DecodeMode mode) {
        return new ClassifierSettings(batchSize, topK, maxImageBytes, decodeLimits, mode, embeddings, quantization);
    }

    /** A copy keeping {@code k} classes per row in {@code top_k}. */
    public ClassifierSettings withTopK(int k) {
        return new ClassifierSettings(batchSize, k, maxImageBytes, decodeLimits, decodeMode, embeddings, quantization);
    }

    /** The decoder these settings decode with, for a model fed as {@code card} says. */
    public ImageDecoder decoder(ModelCard card) {
        return decodeMode.decoder(new GuardedImageDecoder(decodeLimits, card.preprocess().background()));
    }

    /** The scale hint these settings decode at, for the preprocessing {@code pre}. */
    public ScaleHint scaleHint(Preprocessor pre) {
        return decodeMode.hint(pre);
    }

    /** A copy with embeddings on or off. */
    public ClassifierSettings withEmbeddings(boolean on) {
        return new ClassifierSettings(batchSize, topK, maxImageBytes, decodeLimits, decodeMode, on, quantization);
    }

    /** A copy with another precision and calibration. */
    public ClassifierSettings withQuantization(Quantization q) {
        return new ClassifierSettings(batchSize, topK, maxImageBytes, decodeLimits, decodeMode, embeddings, q);
    }
}
