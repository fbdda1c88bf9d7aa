package org.sparkimage.output;

import java.io.IOException;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.setup.EmbeddingFormat;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.TableFormat;

/**
 * {@code <output>/predictions}: the one predictions table of an output directory, in the
 * {@link TableFormat} asked for, and what resuming needs of it.
 *
 * <p>Every run appends its rows one commit chunk at a time, each chunk one commit of the table's
 * format ({@link PredictionTable}). Readers (and {@link #committed()}) see only committed rows; a
 * committed row is therefore complete. Which committed rows still match the input is decided
 * above, where the listing is known (the job's resume planner); this class removes the stale ones
 * ({@link #removeStale}) in its format's own atomic way.
 */
public final class PredictionStore {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path output;
    private final PredictionTable table;
    private final TableFormat format;
    private final StructType rowSchema;
    private final StructType schema;
    private final String partitionBy;
    private final EmbeddingFormat embeddingFormat;

    /**
     * @param rowSchema       the rows' schema as the partition function makes them (with or without
     *                        the embedding column, a Vector)
     * @param format          how the table is stored
     * @param partitionBy     the column whose values name the table's sub-folders, or null
     * @param embeddingFormat how the embedding column is stored
     */
    public PredictionStore(SparkSession spark, FileSystem fs, Path output, StructType rowSchema, TableFormat format, String partitionBy,
                           EmbeddingFormat embeddingFormat) {
        this.spark = spark;
        this.fs = fs;
        this.output = output;
        this.rowSchema = rowSchema;
        this.schema = EmbeddingColumn.stored(rowSchema, embeddingFormat);
        this.table = PredictionTables.open(format, spark, fs, output, schema, partitionBy);
        this.format = format;
        this.partitionBy = partitionBy;
        this.embeddingFormat = embeddingFormat;
    }

    /** How this store writes the embedding column. */
    public EmbeddingFormat embeddingFormat() {
        return embeddingFormat;
    }

    /** The same table, writing the embedding column as {@code f}. */
    public PredictionStore withEmbeddingFormat(EmbeddingFormat f) {
        return new PredictionStore(spark, fs, output, rowSchema, format, partitionBy, f);
    }

    /**
     * How the committed table stores its embedding column; null when it has none (or no table yet).
     * Call after {@link #recover()}.
     */
    public EmbeddingFormat committedEmbeddingFormat() throws IOException {
        if (!table.exists()) return null;
        StructType stored = table.storedSchema();
        return stored == null ? null : EmbeddingColumn.of(stored);
    }

    /** The table folder, {@code <output>/predictions}. */
    public Path table() {
        return table.path();
    }

    /**
     * Refuses to continue a table committed in another format: Parquet readers would take a Delta
     * table's removed files for rows, and Delta ignores files its log does not name.
     *
     * @throws JobException (exit 2) naming both formats
     */
    public void checkFormat() throws JobException, IOException {
        TableFormat found = PredictionTables.committedIn(fs, output);
        if (found != null && found != format) {
            throw new JobException(JobException.EXIT_USAGE, "--resume --format " + format + ": " + table.path()
                    + " is a " + found + " table; resume it with --format " + found + ", or write a new output");
        }
    }

    /**
     * Refuses to continue a table partitioned otherwise than {@code --partition-by} asks: appends
     * would mix folder layouts, which Spark's Parquet reader rejects and Delta refuses. Call after
     * {@link #recover()}.
     *
     * @throws JobException (exit 2) naming the table's partitioning
     */
    public void checkPartitioning() throws JobException, IOException {
        if (!table.exists()) return;
        String found = table.partitionColumn();
        if (java.util.Objects.equals(found, partitionBy)) return;
        if (found == null && table.read().isEmpty()) return; // no rows, no folders: nothing to conflict with
        throw new JobException(JobException.EXIT_USAGE, "--resume" + (partitionBy == null ? "" : " --partition-by " + partitionBy)
                + ": " + table.path() + " is " + (found == null ? "not partitioned" : "partitioned by " + found) + "; resume it with "
                + (found == null ? "no --partition-by" : "--partition-by " + found) + ", or write a new output");
    }

    /** Brings the table back to its last committed state after an interrupted run. */
    public void recover() throws IOException {
        table.recover();
    }

    /**
     * The committed rows (an empty table when there are none yet), columns in the schema's order
     * (a partitioned Parquet table reads its partition column last; it is put back in place by name).
     */
    public Dataset<Row> committed() throws IOException {
        if (!table.exists()) return spark.createDataFrame(List.of(), schema);
        return table.read().select(java.util.Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new));
    }

    /**
     * Removes the rows of files that changed or disappeared since they were labeled, as the format
     * allows: Parquet by a rewrite swapped in by renames, Delta by a delete transaction.
     *
     * @param kept  the committed rows that stay
     * @param stale the committed rows that go
     */
    public void removeStale(Dataset<Row> kept, Dataset<Row> stale) throws IOException {
        table.removeStale(kept, stale);
    }

    /** Appends one chunk of rows (as the partition function makes them) as one committed write job. */
    public void append(Dataset<Row> rows) {
        table.append(EmbeddingColumn.toStored(rows, embeddingFormat));
    }

    /** A run with nothing to label still leaves a (possibly empty) table behind. */
    public void ensureExists() throws IOException {
        if (!table.exists()) append(spark.createDataFrame(List.of(), schema));
    }
}
