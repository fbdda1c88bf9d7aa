package org.sparkimage.curate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.input.InputSource;
import org.sparkimage.input.InputSources;
import org.sparkimage.input.ListedFile;
import org.sparkimage.job.InputClassifier;
import org.sparkimage.setup.JobOptions;

/**
 * The content hashes of a listed input, as Parquet, valid for the same key as the embeddings cache
 * (files as listed, read limits): every image read through the job's bindings by
 * {@link ContentHasher} in Spark tasks, none decoded. {@value #KEY_FILE} is written last, so an
 * interrupted pass is redone.
 */
final class ContentHashes {
    static final String KEY_FILE = "hashes.json";
    private static final String ROWS = "rows";

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path dir;

    ContentHashes(SparkSession spark, FileSystem fs, Path dir) {
        this.spark = spark;
        this.fs = fs;
        this.dir = dir;
    }

    /**
     * The hashes: reused when valid for {@code key}, else computed.
     *
     * @return the rows ({@link ContentHasher#SCHEMA})
     */
    Dataset<Row> ensure(String key, List<ListedFile> files, ClassifierSettings settings, JobOptions.Run run) throws IOException {
        Path keyFile = new Path(dir, KEY_FILE);
        if (fs.exists(keyFile)) {
            try (InputStream in = fs.open(keyFile)) {
                if (new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().equals(key)) return rows();
            }
        }
        if (fs.exists(dir)) fs.delete(dir, true);
        String rows = new Path(dir, ROWS).toString();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Map<String, String>> conf = InputClassifier.hadoopConf(jsc, spark.sparkContext().hadoopConfiguration());
        int partitions = Math.max(1, Math.min(files.size(), 2 * spark.sparkContext().defaultParallelism()));
        for (InputSource source : InputSources.files(files, false, run.readAhead()).sources()) {
            source.map(spark, new ContentHasher(source.binding(settings, conf)), ContentHasher.SCHEMA, partitions, run.commitEvery(),
                    chunk -> chunk.write().mode(SaveMode.Append).parquet(rows));
        }
        try (OutputStream out = fs.create(keyFile, true)) {
            out.write(key.getBytes(StandardCharsets.UTF_8));
        }
        return rows();
    }

    private Dataset<Row> rows() {
        return spark.read().parquet(new Path(dir, ROWS).toString());
    }
}
