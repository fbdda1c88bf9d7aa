package org.sparkimage.output;

import java.io.IOException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.setup.TableFormat;

/**
 * The {@link TableFormat}s on storage: which format an output was committed in, how to read its
 * predictions back, and the {@link PredictionTable} that writes each.
 */
public final class PredictionTables {
    private PredictionTables() {}

    /**
     * The format of the predictions table in an existing output, judged by what only a commit of
     * that format leaves. Null when there is none: no commit of either format, so any format may
     * continue it.
     */
    static TableFormat committedIn(FileSystem fs, Path output) throws IOException {
        if (DeltaPredictions.committedIn(fs, output)) return TableFormat.DELTA;
        if (ParquetPredictions.committedIn(fs, output)) return TableFormat.PARQUET;
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
        // Files an older version wrote lack the newer columns (the uncertainty ones): merged, they read as nulls.
        if (!DeltaPredictions.committedIn(fs, out)) return spark.read().option("mergeSchema", "true").parquet(table);
        if (!SparkSessions.readyForDelta(spark)) {
            throw new IllegalStateException(table + " is a Delta table and this session has not Delta's extension and catalog");
        }
        return spark.read().format("delta").load(table);
    }

    /** The table of {@code format} at {@code <output>/predictions}. */
    static PredictionTable open(TableFormat format, SparkSession spark, FileSystem fs, Path output, StructType schema,
                                String partitionBy) {
        return format == TableFormat.DELTA ? new DeltaPredictions(spark, fs, output, partitionBy)
                : new ParquetPredictions(spark, fs, output, schema, partitionBy);
    }
}
