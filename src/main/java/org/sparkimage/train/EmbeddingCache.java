package org.sparkimage.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.input.InputSources;
import org.sparkimage.input.ListedFile;
import org.sparkimage.job.InputClassifier;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.util.JsonFiles;
import org.sparkimage.util.Sha256;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The embeddings of a labeled input, as Parquet beside the training run, so that a second training
 * with other settings reads no image. Written by the job's own partition function
 * ({@link InputClassifier}: batched, read-ahead, one ONNX Runtime session per executor), one row per
 * image: {@code path}, {@code status}, {@code error_code}, {@code error_message} and the
 * {@code embedding} vector (null for an error row). Labels are not in it: they are joined at
 * training time, so corrections never invalidate it.
 *
 * <p>The cache is valid for one key: the backbone's sha256, a digest of the files as listed (path,
 * size, modification time) and the settings that change pixels (decode mode and limits).
 * {@value #KEY_FILE} is written last, so a cache whose run was interrupted has none and is
 * rebuilt.
 */
public final class EmbeddingCache {
    /** The cache's key and counts; its presence marks a complete cache. */
    public static final String KEY_FILE = "cache.json";
    /** The folder with the embedding rows. */
    public static final String ROWS = "rows";

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path dir;

    /** @param dir the cache folder (any Hadoop file system) */
    public EmbeddingCache(SparkSession spark, FileSystem fs, Path dir) {
        this.spark = spark;
        this.fs = fs;
        this.dir = dir;
    }

    /**
     * What the cache holds: its key and how embedding went.
     *
     * @param key         the digest the cache is valid for
     * @param images      rows written (tar members counted one by one)
     * @param errors      error rows among them
     * @param seconds     wall seconds of the embedding step that wrote it
     * @param reused      whether this run found it complete and read no image
     */
    public record State(String key, long images, long errors, double seconds, boolean reused) {
        /** Images embedded per second of the step that wrote the cache. */
        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : 0;
        }
    }

    /**
     * The key for embedding {@code files} with {@code bundle} and {@code settings}: files sorted by
     * path, so that the listing's order does not matter.
     */
    public static String key(ModelBundle bundle, ClassifierSettings settings, List<ListedFile> files) {
        MessageDigest d = Sha256.digest();
        update(d, "model " + bundle.sha256());
        update(d, "decode " + settings.decodeMode() + " " + settings.decodeLimits() + " " + settings.maxImageBytes());
        files.stream().sorted(Comparator.comparing(ListedFile::path)).forEach(f ->
                update(d, f.path() + "\t" + f.length() + "\t" + (f.modificationTime() == null ? "" : f.modificationTime().getTime())));
        return java.util.HexFormat.of().formatHex(d.digest());
    }

    /** The cache's state when it is complete and was written for {@code key}, else null. */
    public State valid(String key) throws IOException {
        Path keyFile = new Path(dir, KEY_FILE);
        if (!fs.exists(keyFile)) return null;
        JsonNode json;
        try (InputStream in = fs.open(keyFile)) {
            json = JsonFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
        if (!key.equals(json.path("key").asText())) return null;
        return new State(key, json.path("images").asLong(), json.path("errors").asLong(), json.path("seconds").asDouble(), true);
    }

    /**
     * Embeds {@code files} into a fresh cache (an old one is deleted first) and writes its key.
     *
     * @param run     partitions and files per chunk
     * @param console where the job's progress lines go
     */
    public State build(String key, ModelBundle bundle, ClassifierSettings settings, List<ListedFile> files, JobOptions.Run run,
                       PrintStream console) throws IOException {
        if (fs.exists(dir)) fs.delete(dir, true);
        String rows = new Path(dir, ROWS).toString();
        long start = System.nanoTime();
        InputClassifier.Result result = InputClassifier.run(spark, bundle, settings.withEmbeddings(true),
                InputSources.files(files, true, run.readAhead()), run,
                chunk -> chunk.select(columns()).write().mode(SaveMode.Append).parquet(rows), console);
        double seconds = (System.nanoTime() - start) / 1e9;
        long errors = result.stats().stream().mapToLong(s -> s.counts().errors()).sum();
        State state = new State(key, result.images(), errors, seconds, false);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", key);
        json.put("model_sha256", bundle.sha256());
        json.put("files", files.size());
        json.put("images", state.images());
        json.put("errors", errors);
        json.put("seconds", seconds);
        try (OutputStream out = fs.create(new Path(dir, KEY_FILE), true)) {
            out.write(JsonFiles.writePretty(json).getBytes(StandardCharsets.UTF_8));
        }
        return state;
    }

    /**
     * The cache when it is valid for {@code key}, else a fresh one: every file embedded by the job's
     * partition function. Says which on the console.
     */
    public State ensure(String key, ModelBundle bundle, ClassifierSettings settings, List<ListedFile> files, JobOptions.Run run,
                        PrintStream console) throws IOException {
        State state = valid(key);
        if (state != null) {
            console.printf("embeddings: reusing %s (%d images, no image read)%n", dir, state.images());
            return state;
        }
        state = build(key, bundle, settings, files, run, console);
        console.printf(java.util.Locale.ROOT, "embeddings: %d images in %.1f s (%.1f images/s), cached in %s%n", state.images(),
                state.seconds(), state.imagesPerSecond(), dir);
        return state;
    }

    /** The cached rows: one per image, ok or error. */
    public Dataset<Row> rows() {
        return spark.read().parquet(new Path(dir, ROWS).toString());
    }

    /** The cache folder. */
    public Path dir() {
        return dir;
    }

    private static Column[] columns() {
        return java.util.stream.Stream.of(PredictionSchema.PATH, PredictionSchema.STATUS, PredictionSchema.ERROR_CODE,
                PredictionSchema.ERROR_MESSAGE, PredictionSchema.EMBEDDING).map(functions::col).toArray(Column[]::new);
    }

    private static void update(MessageDigest d, String s) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) '\n');
    }
}
