package org.sparkimage.review;

import java.util.Locale;

import org.sparkimage.core.PredictionSchema;

/** The uncertainty measures the gallery's review queue ranks by, least sure first. */
enum RankBy {
    /** The top-1 probability minus the top-2: the smallest first. */
    MARGIN(PredictionSchema.MARGIN, true),
    /** {@code 1 - p_top1}: the highest first. */
    LEAST_CONFIDENCE(PredictionSchema.LEAST_CONFIDENCE, false),
    /** {@code -sum p ln p}: the highest first. */
    ENTROPY(PredictionSchema.ENTROPY, false);

    private final String column;
    private final boolean smallestFirst;

    RankBy(String column, boolean smallestFirst) {
        this.column = column;
        this.smallestFirst = smallestFirst;
    }

    /** The predictions column. */
    String column() {
        return column;
    }

    /** Whether the least sure have the smallest values. */
    boolean smallestFirst() {
        return smallestFirst;
    }

    /** {@code margin}, {@code least-confidence} or {@code entropy}. */
    static RankBy parse(String s) {
        for (RankBy r : values()) if (r.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(s)) return r;
        throw new IllegalArgumentException("--rank-by must be margin, least-confidence or entropy, got " + s);
    }
}
