package org.sparkimage.train;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.input.FileLister;
import org.sparkimage.input.ListedFile;
import org.sparkimage.io.TarMemberPath;
import org.sparkimage.setup.JobException;

/**
 * Where the labels come from, resolved on the driver into the files to embed and a label per path:
 * <ul>
 *   <li>a folder per class ({@code root/<class>/...}, torchvision's {@code ImageFolder} and Keras'
 *   {@code image_dataset_from_directory} convention): every file below a class folder, tar shards
 *   included (each member gets its shard's class); files directly under the root have no class and
 *   are left out (counted);</li>
 *   <li>a table of {@code path,label} (CSV with a header, or Parquet): relative paths are resolved
 *   against the table's folder; a path inside a tar shard ({@code <shard>.tar/<member>}) labels that
 *   member, and the shard is read;</li>
 *   <li>corrections on top of either: a {@code path,label} table whose labels replace the input's,
 *   and whose empty label removes the file from training (what a reviewer writes).</li>
 * </ul>
 * Checked before any image is read: no nulls in the label column, at least two classes, at least two
 * files per class.
 */
public final class LabeledInput {
    /** The column that names a file in a label table. */
    public static final String PATH = "path";
    /** The column that holds its class. */
    public static final String LABEL = "label";

    private LabeledInput() {}

    /**
     * What to read and how it is labeled.
     *
     * @param files       files to embed (tar shards whole), in listing order
     * @param labels      class by path: a listed file's path, or a tar member's {@code <shard>/<member>}
     * @param unlabeled   listed files left out because they have no class (outside a class folder)
     * @param corrected   labels a corrections table changed
     * @param removed     files a corrections table removed
     * @param unmatched   correction rows naming no input file
     */
    public record Labeled(List<ListedFile> files, Map<String, String> labels, long unlabeled, long corrected, long removed,
                          long unmatched) {
        /** Files per class, by class name. */
        public Map<String, Long> countsPerClass() {
            Map<String, Long> counts = new TreeMap<>();
            labels.values().forEach(l -> counts.merge(l, 1L, Long::sum));
            return counts;
        }
    }

    /**
     * A folder per class.
     *
     * @param console         where listing progress goes
     * @param progressSeconds seconds between listing progress lines; 0 = none
     * @throws JobException exit 3 for a missing or empty folder
     */
    public static Labeled folders(String root, Configuration hadoop, PrintStream console, int progressSeconds)
            throws JobException, IOException {
        Path rootPath = new Path(root);
        FileSystem fs = rootPath.getFileSystem(hadoop);
        if (!fs.exists(rootPath) || !fs.getFileStatus(rootPath).isDirectory()) {
            throw new JobException(JobException.EXIT_INPUT, "input " + root + " is not a folder (a folder per class is expected)");
        }
        String prefix = fs.makeQualified(rootPath).toUri().getPath();
        if (!prefix.endsWith("/")) prefix += "/";
        List<ListedFile> files = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        long unlabeled = 0;
        for (ListedFile f : FileLister.list(root, hadoop, console, progressSeconds)) {
            String path = new Path(f.path()).toUri().getPath();
            String relative = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
            int slash = relative.indexOf('/');
            if (slash <= 0) {
                unlabeled++;
                continue;
            }
            files.add(f);
            labels.put(f.path(), relative.substring(0, slash));
        }
        if (files.isEmpty()) {
            throw new JobException(JobException.EXIT_INPUT, "input " + root + " has no image files in class folders"
                    + (unlabeled > 0 ? " (" + unlabeled + " files lie directly in it; put each class in a folder of its own)" : ""));
        }
        return new Labeled(files, labels, unlabeled, 0, 0, 0);
    }

    /**
     * A {@code path,label} table.
     *
     * @throws JobException exit 3 when it cannot be read or lacks the columns; exit 2 for null labels
     */
    public static Labeled table(SparkSession spark, String table, Configuration hadoop) throws JobException, IOException {
        Map<String, String> labels = readTable(spark, table, hadoop, false);
        if (labels.isEmpty()) throw new JobException(JobException.EXIT_INPUT, "label table " + table + " has no rows");
        Map<String, ListedFile> files = new LinkedHashMap<>();
        for (String path : labels.keySet()) {
            String file = sourceOf(path);
            files.computeIfAbsent(file, p -> new ListedFile(p, -1, null));
        }
        return new Labeled(List.copyOf(files.values()), labels, 0, 0, 0, 0);
    }

    /**
     * {@code labeled} with a corrections table applied.
     *
     * @throws JobException exit 3 when the table cannot be read or lacks the columns
     */
    public static Labeled corrected(Labeled labeled, SparkSession spark, String corrections, Configuration hadoop)
            throws JobException, IOException {
        Map<String, String> fixes = readTable(spark, corrections, hadoop, true);
        Map<String, String> labels = new LinkedHashMap<>(labeled.labels());
        long corrected = 0;
        long removed = 0;
        long unmatched = 0;
        for (Map.Entry<String, String> e : fixes.entrySet()) {
            String old = labels.get(e.getKey());
            if (old == null) {
                unmatched++;
            } else if (e.getValue() == null || e.getValue().isBlank()) {
                labels.remove(e.getKey());
                removed++;
            } else if (!old.equals(e.getValue())) {
                labels.put(e.getKey(), e.getValue());
                corrected++;
            }
        }
        java.util.Set<String> sources = new java.util.HashSet<>();
        labels.keySet().forEach(path -> sources.add(sourceOf(path)));
        List<ListedFile> files = labeled.files().stream().filter(f -> sources.contains(f.path())).toList();
        return new Labeled(files, labels, labeled.unlabeled(), corrected, removed, unmatched);
    }

    /**
     * Refuses what no head can be trained on: fewer than two classes, a class with fewer than two
     * files.
     *
     * @throws JobException exit 2, naming the classes
     */
    public static void check(Labeled labeled) throws JobException {
        Map<String, Long> counts = labeled.countsPerClass();
        if (counts.size() < 2) {
            throw new JobException(JobException.EXIT_USAGE, "a head needs at least 2 classes to learn from; the input has "
                    + (counts.isEmpty() ? "none" : "one: " + counts.keySet().iterator().next()));
        }
        List<String> small = counts.entrySet().stream().filter(e -> e.getValue() < 2).map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        if (!small.isEmpty()) {
            throw new JobException(JobException.EXIT_USAGE, "every class needs at least 2 images (one to train on, one to"
                    + " validate with); too few: " + String.join(", ", small));
        }
    }

    /** The listed file a labeled path is read from: itself, or the tar shard of a member. */
    static String sourceOf(String path) {
        TarMemberPath member = TarMemberPath.parse(path);
        return member == null ? path : member.shard();
    }

    private static Map<String, String> readTable(SparkSession spark, String table, Configuration hadoop, boolean blankLabelsAllowed)
            throws JobException, IOException {
        Path p = new Path(table);
        FileSystem fs = p.getFileSystem(hadoop);
        if (!fs.exists(p)) throw new JobException(JobException.EXIT_INPUT, "label table " + table + " does not exist");
        Dataset<Row> t;
        try {
            t = table.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
                    ? spark.read().option("header", "true").option("escape", "\"").csv(table)
                    : spark.read().parquet(table);
        } catch (RuntimeException e) {
            throw new JobException(JobException.EXIT_INPUT, "label table " + table + " is not a readable CSV (.csv) or Parquet table: "
                    + e.getMessage());
        }
        List<String> columns = List.of(t.columns());
        if (!columns.contains(PATH) || !columns.contains(LABEL)) {
            throw new JobException(JobException.EXIT_INPUT, "label table " + table + " needs the columns '" + PATH + "' and '"
                    + LABEL + "', it has " + columns);
        }
        Path base = fs.makeQualified(p).getParent(); // a CSV file's folder, or the folder beside a Parquet table's
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> nulls = new ArrayList<>();
        long nullCount = 0;
        for (Row r : t.select(functions.col(PATH).cast("string"), functions.col(LABEL).cast("string")).collectAsList()) {
            if (r.isNullAt(0) || r.getString(0).isBlank()) {
                throw new JobException(JobException.EXIT_USAGE, "label table " + table + " has a row without a path");
            }
            String path = resolve(fs, base, r.getString(0).strip());
            String label = r.isNullAt(1) ? null : r.getString(1).strip();
            if ((label == null || label.isEmpty()) && !blankLabelsAllowed) {
                nullCount++;
                if (nulls.size() < 3) nulls.add(path);
                continue;
            }
            labels.put(path, label);
        }
        if (nullCount > 0) {
            throw new JobException(JobException.EXIT_USAGE, "label table " + table + ": " + nullCount + " rows have no label (e.g. "
                    + String.join(", ", nulls) + "); label them or leave them out");
        }
        return labels;
    }

    /**
     * A table's path as the listing names files: a URI as it is; an absolute path qualified with the
     * table's file system ({@code file:/...} locally); a relative one below the table's folder.
     */
    private static String resolve(FileSystem fs, Path base, String path) {
        Path p = new Path(path);
        if (p.toUri().getScheme() != null) return path;
        return (p.isAbsolute() ? fs.makeQualified(p) : new Path(base, path)).toString();
    }
}
