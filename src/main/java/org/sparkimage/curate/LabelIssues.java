package org.sparkimage.curate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

import scala.collection.Seq;

/**
 * Confident learning (Northcutt, Jiang and Chuang, JAIR 2021) on out-of-sample probabilities, in
 * Spark: nothing but the per-class thresholds and the k x k confident joint comes to the driver.
 * <ol>
 *   <li>Per-class threshold {@code t_j}: the mean out-of-sample probability of class j over the
 *   images labeled j (their average self-confidence).</li>
 *   <li>Each image's confident class: among the classes whose probability reaches their threshold
 *   ({@code p_j >= t_j}), the most probable; none when no class reaches its threshold.</li>
 *   <li>The confident joint {@code C[given][confident]} counts them.</li>
 *   <li>An image is a label issue when its confident class exists and differs from its given label
 *   (cleanlab's {@code filter_by='confident_learning'}: the off-diagonal of the confident joint).
 *   Issues are ranked by self-confidence, the probability of the given label, lowest first
 *   (cleanlab's {@code rank_by='self_confidence'}).</li>
 * </ol>
 * The thresholds are compared with a 1e-6 slack, as cleanlab does, so that a class whose images
 * all have the same probability still reaches its own threshold.
 */
public final class LabelIssues {
    /** Column: the given label. */
    public static final String GIVEN = "given_label";
    /** Column: the label confident learning suggests (the confident class). */
    public static final String SUGGESTED = "suggested_label";
    /** Column: out-of-sample probability of the given label. */
    public static final String SELF_CONFIDENCE = "self_confidence";
    /** Column: out-of-sample probability of the suggested label. */
    public static final String SUGGESTED_PROBABILITY = "suggested_probability";
    /** Column: 1 for the issue to review first. */
    public static final String RANK = "rank";
    /** Column: why the image was flagged, in words. */
    public static final String REASON = "reason";
    /** Column (scored rows): the confident class index, -1 when no class reaches its threshold. */
    public static final String CONFIDENT_INDEX = "confident_index";
    /** Column (scored rows): the most probable class out of sample. */
    public static final String PREDICTED = "predicted_label";
    /** Column (scored rows): its probability. */
    public static final String PREDICTED_PROBABILITY = "predicted_probability";
    /** Column (scored rows): whether the row is a label issue. */
    public static final String IS_ISSUE = "is_label_issue";

    private static final double SLACK = 1e-6;

    private LabelIssues() {}

    /**
     * What confident learning found.
     *
     * @param thresholds per class, in class-index order
     * @param joint      the confident joint: {@code joint[given][confident]}
     * @param scored     every input row with {@link #SELF_CONFIDENCE}, {@link #CONFIDENT_INDEX}, {@link #PREDICTED},
     *                   {@link #PREDICTED_PROBABILITY} and {@link #IS_ISSUE}
     * @param issues     the label issues: path, {@link #GIVEN}, {@link #SUGGESTED}, {@link #SELF_CONFIDENCE},
     *                   {@link #SUGGESTED_PROBABILITY}, {@link #RANK}, {@link #REASON}
     */
    public record Found(double[] thresholds, long[][] joint, Dataset<Row> scored, Dataset<Row> issues) {
        /** Label issues found. */
        public long count() {
            long n = 0;
            for (int i = 0; i < joint.length; i++) for (int j = 0; j < joint.length; j++) if (i != j) n += joint[i][j];
            return n;
        }
    }

    /**
     * Finds the label issues.
     *
     * @param rows          one row per image: {@code pathCol}, {@code labelIndexCol} (0..classes-1) and
     *                      {@code probabilitiesCol} (out-of-sample, {@code array<double>} in class order)
     * @param classes       class names in index order
     */
    public static Found find(Dataset<Row> rows, String pathCol, String labelIndexCol, String probabilitiesCol, List<String> classes) {
        int k = classes.size();
        Column given = functions.col(labelIndexCol).cast("int");
        Column probabilities = functions.col(probabilitiesCol);
        double[] thresholds = thresholds(rows, given, probabilities, k);
        String[] names = classes.toArray(String[]::new);
        UserDefinedFunction confident = functions.udf((UDF1<Seq<Double>, Integer>) p -> confidentClass(p, thresholds),
                DataTypes.IntegerType);
        UserDefinedFunction reason = functions.udf((UDF3<Seq<Double>, Integer, Integer, String>) (p, g, c) -> reason(p, g, c,
                thresholds, names), DataTypes.StringType);
        Column classNames = functions.array(java.util.Arrays.stream(names).map(functions::lit).toArray(Column[]::new));
        Column predicted = functions.array_position(probabilities, functions.array_max(probabilities)).cast("int");
        Dataset<Row> scored = rows
                .withColumn(SELF_CONFIDENCE, functions.element_at(probabilities, given.plus(1)))
                .withColumn(CONFIDENT_INDEX, confident.apply(probabilities))
                .withColumn(PREDICTED, functions.element_at(classNames, predicted))
                .withColumn(PREDICTED_PROBABILITY, functions.array_max(probabilities))
                .withColumn(IS_ISSUE, functions.col(CONFIDENT_INDEX).geq(0).and(functions.col(CONFIDENT_INDEX).notEqual(given)))
                .localCheckpoint(true);
        long[][] joint = new long[k][k];
        for (Row r : scored.filter(functions.col(CONFIDENT_INDEX).geq(0))
                .groupBy(given.as("g"), functions.col(CONFIDENT_INDEX)).count().collectAsList()) {
            joint[r.getInt(0)][r.getInt(1)] = r.getLong(2);
        }
        Column suggested = functions.col(CONFIDENT_INDEX);
        Dataset<Row> issues = Numbering.numbered(scored.filter(functions.col(IS_ISSUE)).select(
                        functions.col(pathCol),
                        functions.element_at(classNames, given.plus(1)).as(GIVEN),
                        functions.element_at(classNames, suggested.plus(1)).as(SUGGESTED),
                        functions.col(SELF_CONFIDENCE),
                        functions.element_at(probabilities, suggested.plus(1)).as(SUGGESTED_PROBABILITY),
                        reason.apply(probabilities, given, suggested).as(REASON))
                .orderBy(functions.col(SELF_CONFIDENCE), functions.col(pathCol)), RANK)
                .select(pathCol, GIVEN, SUGGESTED, SELF_CONFIDENCE, SUGGESTED_PROBABILITY, RANK, REASON).localCheckpoint(true);
        return new Found(thresholds, joint, scored, issues);
    }

    /** Mean probability of class j over the rows labeled j; NaN for a class without rows. */
    private static double[] thresholds(Dataset<Row> rows, Column given, Column probabilities, int k) {
        double[] t = new double[k];
        java.util.Arrays.fill(t, Double.NaN);
        for (Row r : rows.groupBy(given.as("g")).agg(functions.avg(functions.element_at(probabilities, given.plus(1)))).collectAsList()) {
            t[r.getInt(0)] = r.getDouble(1);
        }
        return t;
    }

    /** The most probable class among those at or above their threshold; -1 when there is none. */
    static int confidentClass(Seq<Double> p, double[] thresholds) {
        int best = -1;
        for (int j = 0; j < thresholds.length; j++) {
            double pj = p.apply(j);
            if (pj >= thresholds[j] - SLACK && (best < 0 || pj > p.apply(best))) best = j;
        }
        return best;
    }

    private static String reason(Seq<Double> p, int given, int suggested, double[] t, String[] names) {
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "p(%s)=%.3f reaches the threshold of %s (%.3f)", names[suggested], p.apply(suggested),
                names[suggested], t[suggested]));
        double pg = p.apply(given);
        parts.add(pg >= t[given] - SLACK
                ? String.format(Locale.ROOT, "the given %s reaches its own (%.3f >= %.3f) but is less probable", names[given], pg, t[given])
                : String.format(Locale.ROOT, "the given %s is under its own (%.3f < %.3f)", names[given], pg, t[given]));
        return String.join("; ", parts);
    }
}
