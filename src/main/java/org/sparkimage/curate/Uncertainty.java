package org.sparkimage.curate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * The uncertainty measures of active learning (as modAL names them) over a probability array, as
 * Spark columns: least confidence {@code 1 - p_top1}, margin {@code p_top1 - p_top2} and entropy
 * {@code -sum p log p} (natural log). Reviewing the least sure first means the highest least
 * confidence, the smallest margin or the highest entropy.
 */
public final class Uncertainty {
    /** Column: {@code 1 - p_top1}. */
    public static final String LEAST_CONFIDENCE = "least_confidence";
    /** Column: {@code p_top1 - p_top2} (1 with a single class). */
    public static final String MARGIN = "margin";
    /** Column: {@code -sum p ln p}. */
    public static final String ENTROPY = "entropy";

    private Uncertainty() {}

    /** {@code 1 - max(p)}. */
    public static Column leastConfidence(String probabilities) {
        return functions.lit(1.0).minus(functions.array_max(functions.col(probabilities)));
    }

    /** The top-1 probability minus the top-2. */
    public static Column margin(String probabilities) {
        Column sorted = functions.sort_array(functions.col(probabilities), false);
        return functions.element_at(sorted, 1).minus(functions.coalesce(functions.try_element_at(sorted, functions.lit(2)),
                functions.lit(0.0)));
    }

    /** {@code -sum p ln p}, with {@code 0 ln 0 = 0}. */
    public static Column entropy(String probabilities) {
        return functions.expr("-aggregate(`" + probabilities + "`, 0D, (acc, x) -> acc + IF(x > 0, x * ln(x), 0D))");
    }
}
