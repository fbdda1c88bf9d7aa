package org.sparkimage.input;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.setup.JobException;

/**
 * {@code --input-list}: the files to classify, named by a manifest instead of listed, so that a
 * dataset with a manifest is never listed at all. Either a text file, one file URI per line
 * (optionally followed by a tab, the size in bytes, a tab and the modification time as ISO-8601
 * or epoch milliseconds; blank lines and {@code #} lines skipped), or a Parquet table (a name
 * ending in {@code .parquet}, or a directory) with a string column {@value #PATH} and optional
 * {@value #SIZE} (bytes) and {@value #MODIFICATION_TIME} (timestamp) columns.
 *
 * <p>A file without a size is read without a length hint (S3A then sends a HEAD before its GET)
 * and its row's {@code file_size} is null; one without a modification time has a null
 * {@code modification_time}, so {@code --resume} labels it again (resume matches size and time).
 */
final class InputManifest {
    /** The file's URI. */
    static final String PATH = "path";
    /** Its size in bytes (optional). */
    static final String SIZE = "size";
    /** Its modification time (optional). */
    static final String MODIFICATION_TIME = "modification_time";

    private InputManifest() {
    }

    /**
     * The files the manifest names, in its order.
     *
     * @throws JobException (exit 3) when it cannot be read or a line is malformed
     */
    static List<ListedFile> read(SparkSession spark, String manifest, Configuration hadoop) throws JobException {
        try {
            Path p = new Path(manifest);
            FileSystem fs = p.getFileSystem(hadoop);
            if (manifest.endsWith(".parquet") || fs.getFileStatus(p).isDirectory()) return parquet(spark, manifest);
            return text(fs, p);
        } catch (IOException | RuntimeException e) {
            throw new JobException(JobException.EXIT_INPUT, "input list " + manifest + " is not readable: " + e.getMessage());
        }
    }

    private static List<ListedFile> text(FileSystem fs, Path p) throws IOException, JobException {
        List<ListedFile> files = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
            int n = 0;
            for (String line; (line = in.readLine()) != null; ) {
                n++;
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t", -1);
                try {
                    long size = f.length > 1 && !f[1].isBlank() ? Long.parseLong(f[1].trim()) : -1;
                    Timestamp time = f.length > 2 && !f[2].isBlank() ? time(f[2].trim()) : null;
                    files.add(new ListedFile(f[0].trim(), size, time));
                } catch (RuntimeException e) {
                    throw new JobException(JobException.EXIT_INPUT, "input list " + p + " line " + n + ": " + e.getMessage());
                }
            }
        }
        return files;
    }

    private static Timestamp time(String s) {
        return s.chars().allMatch(Character::isDigit) ? new Timestamp(Long.parseLong(s)) : Timestamp.from(Instant.parse(s));
    }

    private static List<ListedFile> parquet(SparkSession spark, String manifest) throws JobException {
        Dataset<Row> t = spark.read().parquet(manifest);
        List<String> columns = List.of(t.columns());
        if (!columns.contains(PATH)) {
            throw new JobException(JobException.EXIT_INPUT, "input list " + manifest + " has no '" + PATH + "' column: " + columns);
        }
        Column size = columns.contains(SIZE) ? functions.col(SIZE).cast("long") : functions.lit(-1L);
        Column time = columns.contains(MODIFICATION_TIME) ? functions.col(MODIFICATION_TIME).cast("timestamp")
                : functions.lit(null).cast("timestamp");
        List<ListedFile> files = new ArrayList<>();
        for (Row r : t.select(functions.col(PATH).cast("string"), functions.coalesce(size, functions.lit(-1L)), time).collectAsList()) {
            if (r.isNullAt(0)) continue;
            files.add(new ListedFile(r.getString(0), r.getLong(1), r.getTimestamp(2)));
        }
        return files;
    }
}
