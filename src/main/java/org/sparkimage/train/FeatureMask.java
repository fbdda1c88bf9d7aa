package org.sparkimage.train;

import java.util.Arrays;

import org.apache.spark.ml.feature.ElementwiseProduct;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Which embedding features the regression may use: those whose standard deviation on the training
 * rows is at least {@code minSpread x} the median standard deviation of all features; the others are
 * multiplied by 0 (an {@code ElementwiseProduct} in front of the regression; MLlib gives a constant
 * feature no weight), and the export folds the mask into the head's weights.
 *
 * <p>Why: a MobileNetV2's pooled features include channels that are almost always zero. On the
 * shipped labeled set 10 % of the 1280 have a standard deviation under 0.0015 against a median of
 * 0.028, and 43 are exactly zero. A standardised regression scales those up by 1/std, and their
 * weights folded back to the raw features reached 10^4: the int8 backbone's rounding noise on such
 * a channel (about 10^-3) then moved a logit by 10 and flipped confident labels (5 of 368 confident images,
 * docs/training.md). Left out, the largest raw weight stayed in the tens, int8 kept every confident
 * label, and held-out accuracy did not drop. A floor on the scale instead of a mask does the same
 * for the weights, but MLlib then optimises with per-feature penalties 10^8 apart and L-BFGS did not
 * converge in 200 iterations. {@code minSpread 0} keeps every feature with any spread (plain
 * standardisation, what the scikit-learn reference does).
 *
 * @param mask     per feature, 1 (used) or 0 (left out)
 * @param inputCol the raw embedding column
 */
record FeatureMask(double[] mask, String inputCol) {
    /** The masked feature column the regression reads. */
    static final String MASKED = "masked_embedding";

    /** Measures the training rows' standard deviations (unbiased, as MLlib's standardisation). */
    static FeatureMask fit(Dataset<Row> train, String column, double minSpread) {
        Row r = train.select(Summarizer.metrics("std").summary(functions.col(column)).as("s")).first();
        Vector std = r.getStruct(0).getAs("std");
        double[] sd = std.toArray();
        double[] sorted = sd.clone();
        Arrays.sort(sorted);
        double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        double min = minSpread * median;
        double[] mask = new double[sd.length];
        for (int j = 0; j < sd.length; j++) mask[j] = sd[j] > 0 && sd[j] >= min ? 1 : 0;
        return new FeatureMask(mask, column);
    }

    /** Features used. */
    int used() {
        return (int) Arrays.stream(mask).sum();
    }

    /** The MLlib transformer that applies the mask: raw embedding in, {@link #MASKED} out. */
    ElementwiseProduct transformer() {
        return new ElementwiseProduct().setScalingVec(Vectors.dense(mask.clone())).setInputCol(inputCol).setOutputCol(MASKED);
    }
}
