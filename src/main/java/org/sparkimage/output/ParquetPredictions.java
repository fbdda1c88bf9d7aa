package org.sparkimage.output;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
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
 * moved into the table; an interrupted chunk leaves nothing but {@code predictions/_temporary}
 * (with the S3A magic committer: {@code predictions/__magic*} and uncompleted uploads), which
 * Parquet readers skip and {@link #recover()} deletes (the uploads expire by the bucket's rules).
 *
 * <p>Stale rows cannot be removed by appending: the table is then rewritten without them into
 * {@code predictions.rewrite} (a committed write job), and the rewrite's files replace the table's
 * one file at a time. No folder is renamed, because on an object store a folder rename is a copy
 * of every object, neither atomic nor recoverable. Instead a marker, {@code predictions.swap}, is
 * written once the rewrite is committed (one small object: a single PUT), and every step after it
 * is idempotent: delete the table's data files the rewrite does not have, move each rewrite file
 * in (a rename of one file; on S3 a copy and a delete, either of which may be redone), delete the
 * rewrite, then the marker. {@link #recover()} finishes a swap whose marker exists and discards a
 * rewrite without one, so an interrupted resume never leaves rows twice or loses any.
 */
final class ParquetPredictions implements PredictionTable {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path table;
    private final Path rewrite;
    private final Path replaced;
    private final Path swap;
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
        this.replaced = new Path(output, "predictions.replaced"); // an older version's swap, recovered the old way
        this.swap = new Path(output, "predictions.swap");
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
        fs.delete(rewrite, true);
        writer(kept).mode(SaveMode.ErrorIfExists).parquet(rewrite.toString());
        fs.create(swap, true).close(); // from here on the rewrite is the table
        finishSwap();
    }

    /** The idempotent part of a swap: safe to run again from any point it was interrupted at. */
    private void finishSwap() throws IOException {
        Map<String, Path> fresh = dataFiles(rewrite);
        for (Map.Entry<String, Path> old : dataFiles(table).entrySet()) {
            if (!fresh.containsKey(old.getKey())) fs.delete(old.getValue(), false);
        }
        for (Map.Entry<String, Path> f : fresh.entrySet()) {
            Path to = new Path(table, f.getKey());
            if (fs.exists(to)) {
                fs.delete(f.getValue(), false); // moved before the interruption, source not yet deleted
                continue;
            }
            fs.mkdirs(to.getParent());
            if (!fs.rename(f.getValue(), to)) throw new IOException("cannot move " + f.getValue() + " to " + to);
        }
        fs.delete(rewrite, true);
        fs.delete(swap, false);
    }

    /**
     * The data files under {@code folder} by their path relative to it (partition folders
     * included); committer and marker files and folders ({@code _*}, {@code .*}) are not data.
     */
    private Map<String, Path> dataFiles(Path folder) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        if (!fs.exists(folder)) return files;
        String root = fs.makeQualified(folder).toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(folder, true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            String rel = p.toUri().getPath().substring(root.length() + 1);
            boolean hidden = false;
            for (String part : rel.split("/")) hidden |= part.startsWith("_") || part.startsWith(".");
            if (!hidden) files.put(rel, p);
        }
        return files;
    }

    @Override
    public void recover() throws IOException {
        if (fs.exists(swap)) {
            finishSwap();
        } else {
            if (!fs.exists(table) && fs.exists(new Path(rewrite, "_SUCCESS"))) fs.rename(rewrite, table); // an older version's swap
            fs.delete(rewrite, true);
        }
        fs.delete(replaced, true);
        fs.delete(new Path(table, "_temporary"), true);
        if (fs.exists(table)) {
            for (FileStatus s : fs.listStatus(table)) { // an interrupted S3A magic commit's pending data
                if (s.isDirectory() && s.getPath().getName().startsWith("__magic")) fs.delete(s.getPath(), true);
            }
        }
    }

    /** A writer of {@code rows} into a table folder, partitioned when asked. */
    private DataFrameWriter<Row> writer(Dataset<Row> rows) {
        DataFrameWriter<Row> w = rows.write();
        return partitionBy == null ? w : w.partitionBy(partitionBy);
    }
}
