package org.sparkimage.core;

import java.util.Locale;

import org.apache.spark.ml.linalg.Vector;

/**
 * The outcome for one image: a prediction ({@link #ok}) or an error with a stable code and a
 * readable message ({@link #error}). {@link PredictionSchema} turns it into rows.
 *
 * @param errorCode    null for a prediction
 * @param errorMessage null for a prediction
 * @param width        of the decoded, upright image; null on error
 * @param height       of the decoded, upright image; null on error
 * @param top          the best classes, best first; null on error
 * @param modelSha256  the model that was asked
 * @param embedding    the model's pooled features; null on error or when embeddings are off
 */
public record ClassificationResult(ErrorCode errorCode, String errorMessage, Integer width, Integer height, TopK.Result top,
                                   String modelSha256, Vector embedding) {

    /** A prediction. */
    public static ClassificationResult ok(int width, int height, TopK.Result top, String modelSha256, Vector embedding) {
        return new ClassificationResult(null, null, width, height, top, modelSha256, embedding);
    }

    /** An error row; a blank message becomes the code's name in words. */
    public static ClassificationResult error(ErrorCode code, String message, String modelSha256) {
        String msg = message == null || message.isBlank() ? code.name().toLowerCase(Locale.ROOT).replace('_', ' ') : message;
        return new ClassificationResult(code, msg, null, null, null, modelSha256, null);
    }

    /** True for an error row. */
    public boolean isError() {
        return errorCode != null;
    }

    /** {@link PredictionSchema#OK} or {@link PredictionSchema#ERROR}. */
    public String status() {
        return isError() ? PredictionSchema.ERROR : PredictionSchema.OK;
    }

    /** The top-1 label; null on error. */
    public String label() {
        return top == null ? null : top.label(0);
    }
}
