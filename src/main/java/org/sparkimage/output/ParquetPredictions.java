package org.sparkimage.output;

import java.io.IOException;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code <output>/predictions} as plain Parquet files ({@code --format parquet}, the default).
 *
 * <p>Each chunk is a Spark write job with its own commit. Readers see only files that a job commit
 * moved into the table; an interrupted chunk leaves nothing but {@code predictions/_temporary},
 * which Parquet readers skip and {@link #recover()} deletes.
 *
 * <p>Stale rows cannot be removed by appending: the table is then rewritten without them into
 * {@code predictions.rewrite}, which replaces the table by two renames; {@link #recover()} finishes
 * or discards a swap that was interrupted.
 */
final class ParquetPredictions implements PredictionTable {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path table;
    private final Path rewrite;
    private final Path replaced;
    private final StructType schema;
    private final String partitionBy;

    /**
     * @param schema      the rows' schema (Parquet files do not say which columns a table should have)
     * @param partitionBy the column whose values name the table's sub-folders, or null
     */
    ParquetPredictions(SparkSession spark, FileSystem fs, Path output, StructType schema, String partitionBy) {
        this.spark = spark;
        this.fs = fs;
        this.table = new Path(output, "predictions");
        this.rewrite = new Path(output, "predictions.rewrite");
        this.replaced = new Path(output, "predictions.replaced");
        this.schema = schema;
        this.partitionBy = partitionBy;
    }

    /**
     * Whether {@code output} holds a committed Parquet predictions table: the {@code _SUCCESS}
     * marker of a job commit (Delta writes none) in the table, or in a rewrite whose swap was
     * interrupted.
     */
    static boolean committedIn(FileSystem fs, Path output) throws IOException {
        return fs.exists(new Path(output, "predictions/_SUCCESS")) || fs.exists(new Path(output, "predictions.rewrite/_SUCCESS"));
    }

    @Override
    public Path path() {
        return table;
    }

    @Override
    public boolean exists() throws IOException {
        return fs.exists(table);
    }

    /** The name before {@code =} of the table's first {@code <column>=<value>} folder. */
    @Override
    public String partitionColumn() throws IOException {
        for (FileStatus s : fs.listStatus(table)) {
            String name = s.getPath().getName();
            int eq = name.indexOf('=');
            if (s.isDirectory() && eq > 0 && !name.startsWith("_") && !name.startsWith(".")) return name.substring(0, eq);
        }
        return null;
    }

    /** The footer schema of the table's files (Spark reads one when not merging). */
    @Override
    public StructType storedSchema() {
        try {
            return spark.read().parquet(table.toString()).schema();
        } catch (Exception e) { // Scala throws AnalysisException (checked in Java) when no data file is there to infer from
            if (e instanceof org.apache.spark.sql.AnalysisException) return null;
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    @Override
    public Dataset<Row> read() {
        return spark.read().schema(schema).parquet(table.toString());
    }

    @Override
    public void append(Dataset<Row> rows) {
        writer(rows).mode(SaveMode.Append).parquet(table.toString());
    }

    @Override
    public void removeStale(Dataset<Row> kept, Dataset<Row> stale) throws IOException {
        writer(kept).mode(SaveMode.ErrorIfExists).parquet(rewrite.toString());
        if (!fs.rename(table, replaced) || !fs.rename(rewrite, table)) {
            throw new IOException("cannot swap " + rewrite + " into " + table);
        }
        fs.delete(replaced, true);
    }

    @Override
    public void recover() throws IOException {
        if (!fs.exists(table) && fs.exists(new Path(rewrite, "_SUCCESS"))) fs.rename(rewrite, table);
        fs.delete(rewrite, true);
        fs.delete(replaced, true);
        fs.delete(new Path(table, "_temporary"), true);
    }

    /** A writer of {@code rows} into a table folder, partitioned when asked. */
    private DataFrameWriter<Row> writer(Dataset<Row> rows) {
        DataFrameWriter<Row> w = rows.write();
        return partitionBy == null ? w : w.partitionBy(partitionBy);
    }
}
