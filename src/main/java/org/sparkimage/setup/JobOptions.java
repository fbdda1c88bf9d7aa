package org.sparkimage.setup;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.image.DecodeMode;

/**
 * Everything one classification run needs; built by the CLI ({@code classify}), the
 * benchmark or a test.
 *
 * @param input      path, glob or Hadoop URI of the image files (directories are walked
 *                   recursively), or of a Parquet table when {@code table} is set
 * @param output     output directory (any Hadoop URI)
 * @param model      {@code default}, or the path or Hadoop URI of an ONNX file
 * @param modelCard  card file, or null to use the card embedded in the model
 * @param classifier what the partition function does per image (batch size, top-k, limits, decode mode, embeddings)
 * @param table      read images from a Parquet table's binary column instead of files; null for files
 * @param run        how the run is cut into commits and reported
 * @param inputIsList {@code input} is a manifest naming the files ({@code --input-list}), not a path to list
 */
public record JobOptions(String input, String output, String model, java.nio.file.Path modelCard, ClassifierSettings classifier,
                         TableInput table, Run run, boolean inputIsList) {

    /** Files per commit chunk unless asked otherwise. */
    public static final int DEFAULT_COMMIT_EVERY = 5000;
    /** Seconds between progress lines unless asked otherwise. */
    public static final int DEFAULT_PROGRESS_SECONDS = 10;
    /** How the predictions table is stored unless asked otherwise. */
    public static final TableFormat DEFAULT_FORMAT = TableFormat.PARQUET;

    /** What to do with an output directory that exists. */
    public enum OutputMode {
        /** Refuse (exit 4). */
        CREATE,
        /** Delete it first. */
        OVERWRITE,
        /** Keep its committed rows and label only files without one. */
        RESUME
    }

    /**
     * Images stored in a Parquet table, one per row (Hugging Face style).
     *
     * @param binaryColumn the column with the encoded image bytes
     * @param idColumn     a column that names each row in {@code path}; null: {@code <table>#<row id>}
     * @param imageBase    the folder (path or Hadoop URI) that relative paths of Hugging Face {@code Image}
     *                     cells without bytes are read against; null: the table's own folder ({@link #resolveImageBase(String, Configuration)})
     * @param carry        input columns copied into every output row, after the product's columns
     */
    public record TableInput(String binaryColumn, String idColumn, String imageBase, List<CarriedColumn> carry) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Refuses a blank column name, and carried columns whose output names clash. */
        public TableInput {
            if (binaryColumn == null || binaryColumn.isBlank()) throw new IllegalArgumentException("--binary-column is empty");
            if (imageBase != null && imageBase.isBlank()) throw new IllegalArgumentException("--image-base is empty");
            carry = List.copyOf(carry);
            // Every column the predictions can have, embeddings or not: a carried column may not shadow one.
            List<String> output = List.of(PredictionSchema.schema(true).fieldNames());
            List<String> names = new ArrayList<>();
            for (CarriedColumn c : carry) {
                if (output.contains(c.as())) {
                    throw new IllegalArgumentException("--carry-columns: '" + c.as() + "' is a column of the predictions already;"
                            + " carry it under another name: " + c.column() + "=<name>");
                }
                if (names.contains(c.as())) throw new IllegalArgumentException("--carry-columns: '" + c.as() + "' is named twice");
                names.add(c.as());
            }
        }

        /**
         * The folder relative image paths are read against, as a qualified Hadoop path: {@code --image-base}
         * when given, else the table's folder: {@code input} itself when it is a folder (a dataset's
         * shards), else the folder holding it (one Parquet file, or a glob of them). Resolved on the
         * driver, so that every task reads against the same folder.
         *
         * @param input the table's path or Hadoop URI
         */
        public String resolveImageBase(String input, Configuration hadoop) throws IOException {
            Path base = new Path(imageBase != null ? imageBase : input);
            FileSystem fs = base.getFileSystem(hadoop);
            base = fs.makeQualified(base);
            if (imageBase == null && !isFolder(fs, base)) base = base.getParent();
            return base.toString();
        }

        private static boolean isFolder(FileSystem fs, Path p) throws IOException {
            try {
                return fs.getFileStatus(p).isDirectory();
            } catch (FileNotFoundException e) { // a glob
                return false;
            }
        }
    }

    /**
     * One input column that a table run copies into its output rows ({@code --carry-columns}).
     *
     * @param column the table's top-level column
     * @param as     its name in the output
     */
    public record CarriedColumn(String column, String as) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Refuses blank names. */
        public CarriedColumn {
            if (column == null || column.isBlank() || as == null || as.isBlank()) {
                throw new IllegalArgumentException("--carry-columns: a column name is empty");
            }
        }

        /** {@code column} (kept under its own name) or {@code column=name}. */
        public static CarriedColumn parse(String spec) {
            int eq = spec.indexOf('=');
            return eq < 0 ? new CarriedColumn(spec.strip(), spec.strip()) : new CarriedColumn(spec.substring(0, eq).strip(), spec.substring(eq + 1).strip());
        }
    }

    /**
     * How a run is executed.
     *
     * @param master          Spark master URL, or null to keep what spark-submit set
     * @param partitions      partitions of each commit chunk; 0 = sized from the cluster and the chunk
     * @param commitEvery     files per commit chunk: an interrupted run loses at most the chunks in flight
     * @param outputMode      what happens to an existing output
     * @param progressSeconds interval of the console progress line; 0 = off
     * @param sparkConf       extra Spark settings
     * @param readAhead       how far tasks read remote files ahead of decoding
     * @param partitionBy     a predictions column whose values name the table's sub-folders
     *                        ({@link #PARTITION_COLUMNS}), or null for one flat folder
     * @param format          how the predictions table is stored
     * @param embeddingFormat how the embedding column is stored, or null: {@link EmbeddingFormat#DEFAULT} for a
     *                        new output, the committed table's own when resuming
     */
    public record Run(String master, int partitions, int commitEvery, OutputMode outputMode, int progressSeconds,
                      Map<String, String> sparkConf, ReadAhead readAhead, String partitionBy, TableFormat format,
                      EmbeddingFormat embeddingFormat) {
        /**
         * The predictions columns {@code --partition-by} accepts: few distinct values each, so few
         * folders (a path or a probability would make one folder per row).
         */
        public static final List<String> PARTITION_COLUMNS = List.of(PredictionSchema.LABEL,
                PredictionSchema.STATUS, PredictionSchema.ERROR_CODE, PredictionSchema.MODEL_SHA256);

        /** Checks the values and copies the settings. */
        public Run {
            if (partitions < 0) throw new IllegalArgumentException("--partitions must be >= 0");
            if (commitEvery < 1) throw new IllegalArgumentException("--commit-every must be >= 1");
            if (progressSeconds < 0) throw new IllegalArgumentException("--progress-seconds must be >= 0");
            if (outputMode == null) throw new IllegalArgumentException("output mode is required");
            if (readAhead == null) throw new IllegalArgumentException("read-ahead settings are required");
            if (format == null) throw new IllegalArgumentException("--format is required");
            if (partitionBy != null && !PARTITION_COLUMNS.contains(partitionBy)) {
                throw new IllegalArgumentException("--partition-by must be one of " + PARTITION_COLUMNS + ", got " + partitionBy);
            }
            sparkConf = Map.copyOf(sparkConf);
        }

        /** A run whose embedding format is chosen for it (see {@code embeddingFormat}). */
        public Run(String master, int partitions, int commitEvery, OutputMode outputMode, int progressSeconds,
                   Map<String, String> sparkConf, ReadAhead readAhead, String partitionBy, TableFormat format) {
            this(master, partitions, commitEvery, outputMode, progressSeconds, sparkConf, readAhead, partitionBy, format, null);
        }

        /** The defaults: local or spark-submit's master, sized partitions, refuse an existing output. */
        public static final Run DEFAULT = new Run(null, 0, DEFAULT_COMMIT_EVERY, OutputMode.CREATE, DEFAULT_PROGRESS_SECONDS, Map.of(),
                ReadAhead.DEFAULT, null, DEFAULT_FORMAT);
    }

    /** Checks what no single part can check alone. */
    public JobOptions {
        if (input == null || output == null) throw new IllegalArgumentException("--input and --output are required");
        if (classifier == null || run == null) throw new IllegalArgumentException("classifier settings and run are required");
        if (table != null && run.outputMode() == OutputMode.RESUME) {
            throw new IllegalArgumentException("--resume works on files, not on a --binary-column table");
        }
        if (table != null && inputIsList) throw new IllegalArgumentException("--input-list and --binary-column exclude each other");
    }

    /** Defaults for everything but input and output. */
    public static JobOptions of(String input, String output) {
        return new JobOptions(input, output, "default", null, ClassifierSettings.DEFAULTS, null, Run.DEFAULT, false);
    }

    /** A copy running another model ({@code default}, or the path or Hadoop URI of an ONNX file with its card inside). */
    public JobOptions withModel(String m) {
        return new JobOptions(input, output, m, null, classifier, table, run, inputIsList);
    }

    /** A copy reading a Parquet table. */
    public JobOptions withTable(TableInput t) {
        return new JobOptions(input, output, model, modelCard, classifier, t, run, inputIsList);
    }

    /** A copy whose input is a manifest of files ({@code --input-list}). */
    public JobOptions withInputList() {
        return new JobOptions(input, output, model, modelCard, classifier, table, run, true);
    }

    /** A copy with other classifier settings. */
    public JobOptions withClassifier(ClassifierSettings c) {
        return new JobOptions(input, output, model, modelCard, c, table, run, inputIsList);
    }

    /** A copy with embeddings on or off. */
    public JobOptions withEmbeddings(boolean on) {
        return withClassifier(classifier.withEmbeddings(on));
    }

    /** A copy with another batch size. */
    public JobOptions withBatchSize(int n) {
        return withClassifier(classifier.withBatchSize(n));
    }

    /** A copy with another decode mode. */
    public JobOptions withDecodeMode(DecodeMode mode) {
        return withClassifier(classifier.withDecodeMode(mode));
    }

    /** A copy with another run. */
    public JobOptions withRun(Run r) {
        return new JobOptions(input, output, model, modelCard, classifier, table, r, inputIsList);
    }

    /** A copy with a fixed number of partitions per commit chunk (0 = sized). */
    public JobOptions withPartitions(int n) {
        return withRun(new Run(run.master(), n, run.commitEvery(), run.outputMode(), run.progressSeconds(), run.sparkConf(),
                run.readAhead(), run.partitionBy(), run.format(), run.embeddingFormat()));
    }

    /** A copy that continues an existing output, committing every {@code filesPerCommit} files. */
    public JobOptions resuming(int filesPerCommit) {
        return withRun(new Run(run.master(), run.partitions(), filesPerCommit, OutputMode.RESUME, run.progressSeconds(),
                run.sparkConf(), run.readAhead(), run.partitionBy(), run.format(), run.embeddingFormat()));
    }

    /** A copy with other read-ahead settings. */
    public JobOptions withReadAhead(ReadAhead r) {
        return withRun(new Run(run.master(), run.partitions(), run.commitEvery(), run.outputMode(), run.progressSeconds(),
                run.sparkConf(), r, run.partitionBy(), run.format(), run.embeddingFormat()));
    }

    /** A copy whose predictions table is partitioned by {@code column} (null: not partitioned). */
    public JobOptions withPartitionBy(String column) {
        return withRun(new Run(run.master(), run.partitions(), run.commitEvery(), run.outputMode(), run.progressSeconds(),
                run.sparkConf(), run.readAhead(), column, run.format(), run.embeddingFormat()));
    }

    /** A copy whose predictions table is stored in {@code f}. */
    public JobOptions withFormat(TableFormat f) {
        return withRun(new Run(run.master(), run.partitions(), run.commitEvery(), run.outputMode(), run.progressSeconds(),
                run.sparkConf(), run.readAhead(), run.partitionBy(), f, run.embeddingFormat()));
    }

    /** A copy whose embedding column is stored as {@code f} (null: chosen, see {@link Run#embeddingFormat()}). */
    public JobOptions withEmbeddingFormat(EmbeddingFormat f) {
        return withRun(new Run(run.master(), run.partitions(), run.commitEvery(), run.outputMode(), run.progressSeconds(),
                run.sparkConf(), run.readAhead(), run.partitionBy(), run.format(), f));
    }
}
