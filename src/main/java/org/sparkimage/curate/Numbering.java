package org.sparkimage.curate;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;

/**
 * Numbers a sorted Dataset's rows 1, 2, 3... without a window over all rows (which Spark runs in
 * one partition, one task): {@code zipWithIndex} counts each partition's rows in one small job and
 * numbers them where they lie.
 */
final class Numbering {
    private Numbering() {}

    /** {@code sorted} with a long column {@code name} appended: its rows' 1-based positions in its order. */
    static Dataset<Row> numbered(Dataset<Row> sorted, String name) {
        JavaRDD<Row> rows = sorted.javaRDD().zipWithIndex().map(t -> {
            Object[] values = new Object[t._1().length() + 1];
            for (int i = 0; i < t._1().length(); i++) values[i] = t._1().get(i);
            values[values.length - 1] = t._2() + 1;
            return RowFactory.create(values);
        });
        return sorted.sparkSession().createDataFrame(rows, sorted.schema().add(name, DataTypes.LongType, false));
    }
}
