package org.sparkimage.review;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.sparkimage.output.PredictionTables;

/**
 * Reads {@code <output>/predictions} for the gallery with bounded driver memory: the counts are
 * small aggregates, and the rows come sorted from Spark one partition at a time
 * ({@code toLocalIterator}), capped per label inside Spark when a cap is given. Only the columns
 * the page shows are read (an embedding column is never touched).
 */
final class PredictionReader {
    /** Predicted label and how many ok rows have it. */
    record LabelCount(int index, String label, long count) {}

    private static final Column LABEL_INDEX = coalesce(col("label_index"), lit(-1));
    private final Dataset<Row> table;

    /** The predictions of the job's {@code output}, Parquet or Delta ({@link PredictionTables.readPredictions}). */
    PredictionReader(SparkSession spark, String output) throws IOException {
        this.table = PredictionTables.readPredictions(spark, output);
    }

    private Dataset<Row> okRows() {
        return table.where(col("status").equalTo("ok"));
    }

    private Dataset<Row> errorRows() {
        return table.where(col("status").notEqual("ok").or(col("status").isNull()));
    }

    /** Ok rows per predicted label, by label index. */
    List<LabelCount> labelCounts() {
        List<LabelCount> out = new ArrayList<>();
        for (Row r : okRows().groupBy(LABEL_INDEX.as("i"))
                .agg(first(col("label"), true).as("label"), count(lit(1)).as("n"))
                .orderBy("i").collectAsList()) {
            out.add(new LabelCount(r.getInt(0), r.isNullAt(1) ? "(no label)" : r.getString(1), r.getLong(2)));
        }
        return out;
    }

    /** Error rows per error code, by code. */
    Map<String, Long> errorCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Row r : errorRows().groupBy(coalesce(col("error_code"), lit("(none)")).as("code"))
                .agg(count(lit(1))).orderBy("code").collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    /**
     * Ok rows by label index, then probability descending, then path; at most {@code perLabel}
     * per label when it is not null.
     */
    Iterator<Prediction> okPredictions(Integer perLabel) {
        Dataset<Row> rows = okRows().select(LABEL_INDEX.as("i"), col("path"), col("label"), col("probability"),
                col("top_k"), col("width"), col("height"));
        if (perLabel != null) {
            rows = rows.withColumn("rank", row_number().over(Window.partitionBy("i")
                    .orderBy(col("probability").desc_nulls_last(), col("path")))).where(col("rank").leq(perLabel));
        }
        Iterator<Row> it = rows.orderBy(col("i"), col("probability").desc_nulls_last(), col("path")).toLocalIterator();
        return map(it, PredictionReader::okPrediction);
    }

    /** An ok row and the uncertainty measure it was ranked by. */
    record Ranked(Prediction prediction, float value) {}

    /**
     * The {@code n} least sure ok rows by {@code measure}: the smallest margin, or the highest least
     * confidence or entropy; ties by path. Rows without the column (written before it existed) are
     * left out.
     */
    List<Ranked> leastSure(RankBy measure, int n) {
        if (!java.util.Arrays.asList(table.columns()).contains(measure.column())) return List.of();
        Column value = col(measure.column());
        List<Ranked> out = new ArrayList<>();
        for (Row r : okRows().where(value.isNotNull())
                .orderBy(measure.smallestFirst() ? value.asc() : value.desc(), col("path")).limit(n)
                .select(LABEL_INDEX.as("i"), col("path"), col("label"), col("probability"), col("top_k"), col("width"), col("height"),
                        value).collectAsList()) {
            out.add(new Ranked(okPrediction(r), r.getFloat(7)));
        }
        return out;
    }

    /** Every error row, by error code, then path. */
    Iterator<Prediction> errorPredictions() {
        Iterator<Row> it = errorRows().select(col("path"), col("error_code"), col("error_message"))
                .orderBy(col("error_code"), col("path")).toLocalIterator();
        return map(it, r -> Prediction.error(r.getString(0), r.getString(1), r.getString(2)));
    }

    private static Prediction okPrediction(Row r) {
        List<Prediction.Top> top = new ArrayList<>();
        if (!r.isNullAt(4)) {
            for (Row t : r.<Row>getList(4)) {
                top.add(new Prediction.Top(t.getInt(0), t.getString(1), t.getFloat(2)));
            }
        }
        return Prediction.ok(r.getString(1), r.getString(2), r.getInt(0), r.isNullAt(3) ? Float.NaN : r.getFloat(3), top,
                r.isNullAt(5) ? null : r.getInt(5), r.isNullAt(6) ? null : r.getInt(6));
    }

    private static <T> Iterator<T> map(Iterator<Row> rows, java.util.function.Function<Row, T> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public T next() {
                return f.apply(rows.next());
            }
        };
    }
}
