package org.sparkimage.output;

import java.io.IOException;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkimage.setup.TableFormat;

/**
 * The storage of {@code <output>/predictions} in one {@link TableFormat}: what
 * {@link PredictionStore}'s resume rules need from it, each step atomic in that format's own way.
 */
interface PredictionTable {
    /** The table folder, {@code <output>/predictions}. */
    Path path();

    /** Whether a commit has created the table. */
    boolean exists() throws IOException;

    /**
     * The column the committed table is partitioned by, or null when it is not partitioned (or,
     * for Parquet, has no partition folder yet). Called only when {@link #exists()}.
     */
    String partitionColumn() throws IOException;

    /** The schema the committed files have (not the one asked for); null when there are none. */
    org.apache.spark.sql.types.StructType storedSchema();

    /** Every committed row, with the table's own column order. */
    Dataset<Row> read();

    /** Appends one chunk of rows as one commit. */
    void append(Dataset<Row> rows);

    /**
     * Removes the rows of files that changed or disappeared since they were labeled.
     *
     * @param kept  the committed rows that stay (a rewrite keeps these)
     * @param stale the committed rows that go (a delete removes these)
     */
    void removeStale(Dataset<Row> kept, Dataset<Row> stale) throws IOException;

    /** Brings the table back to its last committed state after an interrupted run. */
    void recover() throws IOException;
}
