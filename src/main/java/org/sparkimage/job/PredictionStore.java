package org.sparkimage.job;

import java.io.IOException;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.io.TarMemberPath;
import org.apache.spark.sql.types.StructType;

/**
 * {@code <output>/predictions}: the one predictions table of an output directory, in the
 * {@link TableFormat} asked for, and the rules that make runs resumable.
 *
 * <p>Every run appends its rows one commit chunk at a time, each chunk one commit of the table's
 * format ({@link PredictionTable}). Readers (and {@link #committed()}) see only committed rows; a
 * committed row is therefore complete, and a file is labeled again only if it has no committed
 * row with its current size and modification time. Rows whose file changed or disappeared since
 * ("stale") are removed before the run labels anything, as the format allows: Parquet by a
 * rewrite swapped in by renames, Delta by a delete transaction.
 */
final class PredictionStore {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path output;
    private final PredictionTable table;
    private final TableFormat format;
    private final StructType schema;
    private final String partitionBy;

    /** What a resumed run finds: files still to label, rows kept, stale rows dropped. */
    record Plan(List<ListedFile> todo, long kept, long stale) {}

    /**
     * @param schema      the rows' schema (with or without the embedding column)
     * @param format      how the table is stored
     * @param partitionBy the column whose values name the table's sub-folders, or null
     */
    PredictionStore(SparkSession spark, FileSystem fs, Path output, StructType schema, TableFormat format, String partitionBy) {
        this.spark = spark;
        this.fs = fs;
        this.output = output;
        this.table = format.open(spark, fs, output, schema, partitionBy);
        this.format = format;
        this.schema = schema;
        this.partitionBy = partitionBy;
    }

    Path table() {
        return table.path();
    }

    /**
     * Refuses to continue a table committed in another format: Parquet readers would take a Delta
     * table's removed files for rows, and Delta ignores files its log does not name.
     *
     * @throws JobException (exit 2) naming both formats
     */
    void checkFormat() throws JobException, IOException {
        TableFormat found = TableFormat.committedIn(fs, output);
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
    void checkPartitioning() throws JobException, IOException {
        if (!table.exists()) return;
        String found = table.partitionColumn();
        if (java.util.Objects.equals(found, partitionBy)) return;
        if (found == null && table.read().isEmpty()) return; // no rows, no folders: nothing to conflict with
        throw new JobException(JobException.EXIT_USAGE, "--resume" + (partitionBy == null ? "" : " --partition-by " + partitionBy)
                + ": " + table.path() + " is " + (found == null ? "not partitioned" : "partitioned by " + found) + "; resume it with "
                + (found == null ? "no --partition-by" : "--partition-by " + found) + ", or write a new output");
    }

    /** Brings the table back to its last committed state after an interrupted run. */
    void recover() throws IOException {
        table.recover();
    }

    /**
     * The committed rows (an empty table when there are none yet), columns in the schema's order
     * (a partitioned Parquet table reads its partition column last; it is put back in place by name).
     */
    Dataset<Row> committed() throws IOException {
        if (!table.exists()) return spark.createDataFrame(List.of(), schema);
        return table.read().select(java.util.Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new));
    }

    /**
     * Compares the table with the current listing: files
     * with a matching committed row are done; the rest are to label. Stale rows are dropped from
     * the table before this returns, so that the table plus the labeled rest has one row per file.
     *
     * <p>A tar member's row ({@code <shard>.tar/<member>}, the shard's modification time) belongs
     * to its shard's listing row: a shard's members are committed together, in one task of one
     * chunk, so one matching member row means the whole shard is done.
     */
    Plan plan(List<ListedFile> listed) throws IOException {
        Dataset<Row> listing = spark.createDataFrame(listed.stream().map(ListedFile::toRow).toList(), ListedFile.SCHEMA);
        Column path = functions.col(PredictionSchema.PATH);
        Dataset<Row> committed = committed().withColumn(SOURCE,
                functions.when(path.rlike(TarMemberPath.REGEX), functions.regexp_extract(path, TarMemberPath.REGEX, 1)).otherwise(path));
        Column member = committed.col(SOURCE).notEqual(committed.col(PredictionSchema.PATH));
        Column sameFile = committed.col(SOURCE).equalTo(listing.col(ListedFile.PATH))
                .and(committed.col(PredictionSchema.MODIFICATION_TIME).equalTo(listing.col(ListedFile.MODIFICATION_TIME)))
                .and(member.or(committed.col(PredictionSchema.FILE_SIZE).equalTo(listing.col(ListedFile.LENGTH))));
        List<ListedFile> todo = listing.join(committed, sameFile, "left_anti").collectAsList().stream().map(ListedFile::of).toList();
        Dataset<Row> kept = committed.join(listing, sameFile, "left_semi").drop(SOURCE);
        long keptRows = kept.count();
        long stale = committed.count() - keptRows;
        if (stale > 0) table.removeStale(kept, committed.join(listing, sameFile, "left_anti").drop(SOURCE));
        return new Plan(todo, keptRows, stale);
    }

    /** The listed file a committed row came from: itself, or the tar shard of a member. */
    private static final String SOURCE = "_source_path";

    /** Appends one chunk of rows as one committed write job. */
    void append(Dataset<Row> rows) {
        table.append(rows);
    }

    /** A run with nothing to label still leaves a (possibly empty) table behind. */
    void ensureExists() throws IOException {
        if (!table.exists()) append(spark.createDataFrame(List.of(), schema));
    }
}
