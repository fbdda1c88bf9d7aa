package org.sparkimage.output;

import java.io.IOException;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.PredictionSchema;

import io.delta.tables.DeltaTable;

/**
 * {@code <output>/predictions} as a Delta Lake table ({@code --format delta}).
 *
 * <p>Each chunk is one Delta transaction: its files count only once the commit file in
 * {@code _delta_log} names them, so an interrupted chunk leaves unreferenced files that readers
 * never see (and {@code VACUUM} may delete); nothing needs recovering. Stale rows are removed by a
 * Delta MERGE that deletes them, one more transaction, which rewrites only the files that hold them.
 */
final class DeltaPredictions implements PredictionTable {
    /** The transaction log folder inside the table. */
    static final String LOG = "_delta_log";

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path table;
    private final String partitionBy;

    /** @param partitionBy the table's partition column, or null */
    DeltaPredictions(SparkSession spark, FileSystem fs, Path output, String partitionBy) {
        this.spark = spark;
        this.fs = fs;
        this.table = new Path(output, "predictions");
        this.partitionBy = partitionBy;
    }

    /** Whether {@code output} holds a Delta predictions table: its transaction log. */
    static boolean committedIn(FileSystem fs, Path output) throws IOException {
        return fs.exists(new Path(new Path(output, "predictions"), LOG));
    }

    @Override
    public Path path() {
        return table;
    }

    @Override
    public boolean exists() throws IOException {
        return fs.exists(new Path(table, LOG));
    }

    /** From the table's metadata (Delta keeps it even for an empty table). */
    @Override
    public String partitionColumn() {
        List<String> columns = DeltaTable.forPath(spark, table.toString()).detail().select("partitionColumns").first().getList(0);
        return columns.isEmpty() ? null : columns.get(0);
    }

    /** The schema in the table's log. */
    @Override
    public org.apache.spark.sql.types.StructType storedSchema() {
        return read().schema();
    }

    @Override
    public Dataset<Row> read() {
        return spark.read().format("delta").load(table.toString());
    }

    @Override
    public void append(Dataset<Row> rows) {
        DataFrameWriter<Row> w = rows.write().format("delta").mode(SaveMode.Append)
                .option("mergeSchema", "true"); // an output an older version began gains the newer columns (null on its rows)
        (partitionBy == null ? w : w.partitionBy(partitionBy)).save(table.toString());
    }

    /**
     * Deletes the stale rows by what identifies a file's row: its path, and the size and
     * modification time it was labeled at (null-safe: an unreadable file's row may lack them).
     */
    @Override
    public void removeStale(Dataset<Row> kept, Dataset<Row> stale) {
        String[] key = {PredictionSchema.PATH, PredictionSchema.FILE_SIZE, PredictionSchema.MODIFICATION_TIME};
        String on = java.util.Arrays.stream(key).map(c -> "t." + c + " <=> s." + c)
                .collect(java.util.stream.Collectors.joining(" AND "));
        DeltaTable.forPath(spark, table.toString()).as("t")
                .merge(stale.select(key[0], key[1], key[2]).distinct().as("s"), on)
                .whenMatched().delete()
                .execute();
    }

    /** An interrupted chunk never reached the log: the table is as its last commit left it. */
    @Override
    public void recover() {}
}
