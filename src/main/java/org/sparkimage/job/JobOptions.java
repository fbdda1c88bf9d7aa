package org.sparkimage.job;

import java.nio.file.Path;
import java.util.Map;

import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodeMode;

/**
 * Everything one classification run needs; built by the CLI (or a test).
 *
 * @param input        path, glob or Hadoop URI of the image files (directories are walked recursively), or of
 *                     a Parquet table when {@code table} is set
 * @param output       output directory (any Hadoop URI)
 * @param model        {@code default} or an ONNX file
 * @param modelCard    card file, or null to use the card embedded in the model
 * @param master       Spark master URL, or null to keep what spark-submit set
 * @param batchSize    images per ONNX Runtime call
 * @param topK         classes per row in {@code top_k}; 0 = min(5, classes)
 * @param partitions   partitions of each commit chunk; 0 = sized from the cluster and the chunk's file count
 * @param commitEvery  files per commit chunk: an interrupted run loses at most the chunks in flight
 * @param overwrite    replace an existing output
 * @param resume       keep the committed rows of an existing output and label only the files without one
 * @param maxFileBytes files larger than this are error rows (TOO_LARGE) without being read
 * @param decodeLimits pixel limit (TOO_LARGE from the header) and per-image decode time budget (TIMEOUT)
 * @param decodeMode   scaled (DCT-scaled JPEG decode), full, or imageio (the slow baseline)
 * @param embeddings   add the model's pooled features as an {@code embedding} vector column
 * @param table        read images from a Parquet table's binary column instead of files; null for files
 * @param progressSeconds interval of the console progress line; 0 = off
 * @param sparkConf    extra Spark settings
 */
public record JobOptions(
        String input,
        String output,
        String model,
        Path modelCard,
        String master,
        int batchSize,
        int topK,
        int partitions,
        int commitEvery,
        boolean overwrite,
        boolean resume,
        long maxFileBytes,
        DecodeLimits decodeLimits,
        DecodeMode decodeMode,
        boolean embeddings,
        TableInput table,
        int progressSeconds,
        Map<String, String> sparkConf) {

    /** 16: in the job, where decoding competes for the cache, larger batches reuse the weights better (docs/throughput.md). */
    public static final int DEFAULT_BATCH_SIZE = 16;
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;
    public static final int DEFAULT_COMMIT_EVERY = 5000;

    /**
     * Images stored in a Parquet table, one per row (Hugging Face style).
     *
     * @param binaryColumn the column with the encoded image bytes
     * @param idColumn     a column that names each row in {@code path}; null: {@code <table>#<row id>}
     */
    public record TableInput(String binaryColumn, String idColumn) implements java.io.Serializable {
        public TableInput {
            if (binaryColumn == null || binaryColumn.isBlank()) throw new IllegalArgumentException("--binary-column is empty");
        }
    }

    public JobOptions {
        if (batchSize < 1 || batchSize > 1024) throw new IllegalArgumentException("--batch-size must be in 1..1024");
        if (topK < 0) throw new IllegalArgumentException("--top-k must be >= 0");
        if (partitions < 0) throw new IllegalArgumentException("--partitions must be >= 0");
        if (decodeLimits == null || decodeMode == null) throw new IllegalArgumentException("decode limits and mode are required");
        if (commitEvery < 1) throw new IllegalArgumentException("--commit-every must be >= 1");
        if (overwrite && resume) throw new IllegalArgumentException("--overwrite and --resume exclude each other");
        if (table != null && resume) throw new IllegalArgumentException("--resume works on files, not on a --binary-column table");
        sparkConf = Map.copyOf(sparkConf);
    }

    /** Defaults for everything but input and output. */
    public static JobOptions of(String input, String output) {
        return new JobOptions(input, output, "default", null, null, DEFAULT_BATCH_SIZE, 0, 0, DEFAULT_COMMIT_EVERY,
                false, false, DEFAULT_MAX_FILE_BYTES, DecodeLimits.DEFAULT, DecodeMode.SCALED, false, null, 10, Map.of());
    }

    public JobOptions withTable(TableInput t) {
        return new JobOptions(input, output, model, modelCard, master, batchSize, topK, partitions, commitEvery, overwrite,
                resume, maxFileBytes, decodeLimits, decodeMode, embeddings, t, progressSeconds, sparkConf);
    }

    public JobOptions withEmbeddings(boolean on) {
        return new JobOptions(input, output, model, modelCard, master, batchSize, topK, partitions, commitEvery, overwrite,
                resume, maxFileBytes, decodeLimits, decodeMode, on, table, progressSeconds, sparkConf);
    }

    public JobOptions withBatchSize(int n) {
        return new JobOptions(input, output, model, modelCard, master, n, topK, partitions, commitEvery, overwrite,
                resume, maxFileBytes, decodeLimits, decodeMode, embeddings, table, progressSeconds, sparkConf);
    }

    public JobOptions withDecodeMode(DecodeMode mode) {
        return new JobOptions(input, output, model, modelCard, master, batchSize, topK, partitions, commitEvery, overwrite,
                resume, maxFileBytes, decodeLimits, mode, embeddings, table, progressSeconds, sparkConf);
    }

    public JobOptions withPartitions(int n) {
        return new JobOptions(input, output, model, modelCard, master, batchSize, topK, n, commitEvery, overwrite,
                resume, maxFileBytes, decodeLimits, decodeMode, embeddings, table, progressSeconds, sparkConf);
    }

    public JobOptions resuming(int filesPerCommit) {
        return new JobOptions(input, output, model, modelCard, master, batchSize, topK, partitions, filesPerCommit,
                false, true, maxFileBytes, decodeLimits, decodeMode, embeddings, table, progressSeconds, sparkConf);
    }
}
