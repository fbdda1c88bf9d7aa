package org.sparkimage.review;

import java.util.List;

/**
 * One row of {@code <output>/predictions} as the gallery shows it: an ok row (label, probability,
 * top-k) or an error row (code, message).
 */
public record Prediction(String path, boolean ok, String label, int labelIndex, float probability, List<Top> topK,
        Integer width, Integer height, String errorCode, String errorMessage) {

    /** One entry of {@code top_k}. */
    public record Top(int index, String label, float probability) {}

    public Prediction {
        topK = topK == null ? List.of() : List.copyOf(topK);
    }

    public static Prediction ok(String path, String label, int labelIndex, float probability, List<Top> topK,
            Integer width, Integer height) {
        return new Prediction(path, true, label, labelIndex, probability, topK, width, height, null, null);
    }

    public static Prediction error(String path, String code, String message) {
        return new Prediction(path, false, null, -1, Float.NaN, List.of(), null, null, code, message);
    }

    /** The last path segment (the whole string when it has no '/'). */
    public String fileName() {
        int slash = path.lastIndexOf('/');
        return slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : path;
    }
}
