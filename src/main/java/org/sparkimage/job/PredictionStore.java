package org.sparkimage.job;

import java.io.IOException;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.io.TarMemberPath;
import org.apache.spark.sql.types.StructType;

/**
 * {@code <output>/predictions}: the one Parquet table of an output directory, and the rules that
 * make runs resumable.
 *
 * <p>Every run appends its rows one commit chunk at a time, each chunk a Spark write job with its
 * own commit. Readers (and {@link #committed()}) see only files that a job commit moved into the
 * table; an interrupted chunk leaves nothing but {@code predictions/_temporary}, which Parquet
 * readers skip and {@link #recover()} deletes. A committed row is therefore complete, and a file
 * is labeled again only if it has no committed row with its current size and modification time.
 *
 * <p>Rows whose file changed or disappeared since ("stale") cannot be removed by appending: the
 * table is then rewritten without them into {@code predictions.rewrite}, which replaces the table
 * by two renames; {@link #recover()} finishes or discards a swap that was interrupted.
 */
final class PredictionStore {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path table;
    private final Path rewrite;
    private final Path replaced;
    private final StructType schema;
    private final String partitionBy;

    /** What a resumed run finds: files still to label, rows kept, stale rows dropped. */
    record Plan(List<ListedFile> todo, long kept, long stale) {}

    /**
     * @param schema      the rows' schema (with or without the embedding column)
     * @param partitionBy the column whose values name the table's sub-folders, or null
     */
    PredictionStore(SparkSession spark, FileSystem fs, Path output, StructType schema, String partitionBy) {
        this.spark = spark;
        this.fs = fs;
        this.table = new Path(output, "predictions");
        this.rewrite = new Path(output, "predictions.rewrite");
        this.replaced = new Path(output, "predictions.replaced");
        this.schema = schema;
        this.partitionBy = partitionBy;
    }

    Path table() {
        return table;
    }

    /** Brings the table back to its last committed state after an interrupted run. */
    void recover() throws IOException {
        if (!fs.exists(table) && fs.exists(new Path(rewrite, "_SUCCESS"))) fs.rename(rewrite, table);
        fs.delete(rewrite, true);
        fs.delete(replaced, true);
        fs.delete(new Path(table, "_temporary"), true);
    }

    /**
     * The committed rows (an empty table when there are none yet), columns in the schema's order
     * (a partitioned table reads its partition column last; it is put back in place by name).
     */
    Dataset<Row> committed() throws IOException {
        if (!fs.exists(table)) return spark.createDataFrame(List.of(), schema);
        Dataset<Row> rows = spark.read().schema(schema).parquet(table.toString());
        return rows.select(java.util.Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new));
    }

    /** A writer of {@code rows} into a table folder, partitioned when asked. */
    private org.apache.spark.sql.DataFrameWriter<Row> writer(Dataset<Row> rows) {
        org.apache.spark.sql.DataFrameWriter<Row> w = rows.write();
        return partitionBy == null ? w : w.partitionBy(partitionBy);
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
        if (stale > 0) replaceWith(kept);
        return new Plan(todo, keptRows, stale);
    }

    /** The listed file a committed row came from: itself, or the tar shard of a member. */
    private static final String SOURCE = "_source_path";

    /** Appends one chunk of rows as one committed write job. */
    void append(Dataset<Row> rows) {
        writer(rows).mode(SaveMode.Append).parquet(table.toString());
    }

    /** A run with nothing to label still leaves a (possibly empty) table behind. */
    void ensureExists() throws IOException {
        if (!fs.exists(table)) append(spark.createDataFrame(List.of(), schema));
    }

    private void replaceWith(Dataset<Row> rows) throws IOException {
        writer(rows).mode(SaveMode.ErrorIfExists).parquet(rewrite.toString());
        if (!fs.rename(table, replaced) || !fs.rename(rewrite, table)) {
            throw new IOException("cannot swap " + rewrite + " into " + table);
        }
        fs.delete(replaced, true);
    }
}
