package org.sparkimage.job;

import java.io.IOException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * How {@code <output>/predictions} is stored ({@code --format}): plain Parquet files, or a Delta
 * Lake table (the same Parquet files plus a transaction log, {@code _delta_log}).
 */
public enum TableFormat {
    /** Parquet files committed by Spark's file commit protocol ({@link ParquetPredictions}). */
    PARQUET,
    /** A Delta Lake table: every commit chunk is one Delta transaction ({@link DeltaPredictions}). */
    DELTA;

    /** The format's name as {@code --format} spells it. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The format of the predictions table in an existing output, judged by what only a commit of
     * that format leaves. Null when there is none: no commit of either format, so any format may
     * continue it.
     */
    static TableFormat committedIn(FileSystem fs, Path output) throws IOException {
        if (DeltaPredictions.committedIn(fs, output)) return DELTA;
        if (ParquetPredictions.committedIn(fs, output)) return PARQUET;
        return null;
    }

    /**
     * The rows of {@code <output>/predictions} in whichever format the job wrote them: through Delta
     * when a transaction log is there (a plain Parquet read would also see the files a resume's MERGE
     * removed), else as Parquet.
     *
     * @throws IllegalStateException for a Delta table when {@code spark} lacks Delta's extension and
     *                               catalog ({@link SparkSessions#withDelta})
     */
    public static Dataset<Row> readPredictions(SparkSession spark, String output) throws IOException {
        Path out = new Path(output);
        FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
        String table = new Path(out, "predictions").toString();
        if (!DeltaPredictions.committedIn(fs, out)) return spark.read().parquet(table);
        if (!SparkSessions.readyForDelta(spark)) {
            throw new IllegalStateException(table + " is a Delta table and this session has not Delta's extension and catalog");
        }
        return spark.read().format("delta").load(table);
    }

    /** The table of this format at {@code <output>/predictions}. */
    PredictionTable open(SparkSession spark, FileSystem fs, Path output, StructType schema, String partitionBy) {
        return this == DELTA ? new DeltaPredictions(spark, fs, output, partitionBy)
                : new ParquetPredictions(spark, fs, output, schema, partitionBy);
    }
}
