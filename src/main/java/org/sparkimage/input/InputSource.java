package org.sparkimage.input;

import java.util.Map;
import java.util.function.Consumer;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.RowBinding;

/**
 * One kind of job input: what it holds, which binding reads its rows inside the tasks, and how its
 * rows are cut into commits: {@link LooseFiles} and {@link TarShardFiles} (from a listing, resumable)
 * and {@link TableSource} (a Parquet table's binary column, one commit). {@link InputSources} opens
 * them.
 */
public interface InputSource {
    /** What the console calls the input, e.g. {@code 73 files} or {@code 12 files (2 of them tar shards)}. */
    String describe();

    /** Input rows this run classifies: files or table rows, after resume. */
    long rows();

    /** Output rows this run will write, or -1 when only reading tells (tar shards). */
    long expectedImages();

    /**
     * Input columns copied into every output row after the product's columns (a table's
     * {@code --carry-columns}); none by default.
     */
    default StructType carriedColumns() {
        return new StructType();
    }

    /** The binding that turns this input's rows into images in the tasks. */
    RowBinding binding(ClassifierSettings settings, Broadcast<Map<String, String>> hadoopConf);

    /**
     * Classifies every row with {@code classifier}, handing the prediction rows to {@code commit}
     * one chunk at a time: each chunk is a lazy Dataset that the consumer writes as one job (the
     * job's predictions table, the trainer's embeddings cache).
     *
     * @param partitions  partitions of each chunk
     * @param commitEvery input rows per chunk, where the input can be cut
     */
    void classify(SparkSession spark, PartitionClassifier classifier, int partitions, int commitEvery, Consumer<Dataset<Row>> commit);

    /**
     * Runs another partition function over the same rows, cut the same way (curation's content
     * hashes read every image through {@link #binding} without decoding it).
     *
     * @param function    what each partition's input rows become
     * @param schema      the rows it returns
     * @param partitions  partitions of each chunk
     * @param commitEvery input rows per chunk, where the input can be cut
     */
    void map(SparkSession spark, MapPartitionsFunction<Row, Row> function, StructType schema, int partitions, int commitEvery,
             Consumer<Dataset<Row>> commit);
}
