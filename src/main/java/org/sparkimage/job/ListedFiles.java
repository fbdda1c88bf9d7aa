package org.sparkimage.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBinding;
import org.sparkimage.io.TarShards;

/**
 * Files listed on the driver ({@link FileLister}); those ending in a tar suffix are shards whose
 * members are the images. A listing mixes both kinds, and both are one listing row each: they
 * differ only in their binding's reading ({@link TarShardImages}) and in how many output rows a
 * row gives, which for a shard only reading tells.
 */
final class ListedFiles implements InputSource {
    private final List<ListedFile> todo;
    private final PredictionStore.Plan plan;
    private final long shards;
    private final boolean embeddings;

    private ListedFiles(List<ListedFile> todo, PredictionStore.Plan plan, boolean embeddings) {
        this.todo = todo;
        this.plan = plan;
        this.shards = todo.stream().filter(f -> TarShards.isShard(f.path())).count();
        this.embeddings = embeddings;
    }

    /**
     * Lists {@code input}; when resuming, keeps only the files without a committed row in
     * {@code store} (dropping the stale rows of changed or vanished files).
     */
    static ListedFiles list(String input, Configuration hadoop, PredictionStore store, boolean resuming, boolean embeddings)
            throws IOException {
        List<ListedFile> listed = FileLister.list(input, hadoop);
        PredictionStore.Plan plan = resuming ? store.plan(listed) : new PredictionStore.Plan(listed, 0, 0);
        return new ListedFiles(plan.todo(), plan, embeddings);
    }

    @Override
    public String describe() {
        return todo.size() + " files" + (shards > 0 ? " (" + shards + " of them tar shards)" : "");
    }

    @Override
    public long rows() {
        return todo.size();
    }

    @Override
    public long expectedImages() {
        return shards > 0 ? -1 : todo.size();
    }

    @Override
    public PredictionStore.Plan plan() {
        return plan;
    }

    @Override
    public RowBinding binding(ClassifierSettings settings, Broadcast<Map<String, String>> hadoopConf) {
        return new ListedFileBinding(hadoopConf, settings.maxImageBytes(), settings.embeddings());
    }

    /** One write job per {@code commitEvery} files, its files dealt round-robin to the partitions. */
    @Override
    public void classify(SparkSession spark, PartitionClassifier classifier, PredictionStore store, int partitions, int commitEvery) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        for (int from = 0; from < todo.size(); from += commitEvery) {
            List<ListedFile> chunk = todo.subList(from, Math.min(todo.size(), from + commitEvery));
            List<Row> rows = roundRobin(chunk, partitions).stream().map(ListedFile::toRow).toList();
            store.append(spark.createDataFrame(jsc.parallelize(rows, partitions), ListedFile.SCHEMA)
                    .mapPartitions(classifier, Encoders.row(PredictionSchema.schema(embeddings))));
        }
    }

    /**
     * The files reordered so that {@code parallelize}'s contiguous slices deal them out round-robin:
     * a listing sorted by path often has its large files side by side, and one slice must not get
     * them all. Slicing a driver-side list needs no shuffle, unlike {@code repartition}.
     */
    static <T> List<T> roundRobin(List<T> files, int slices) {
        List<T> out = new ArrayList<>(files.size());
        for (int s = 0; s < slices; s++) {
            for (int i = s; i < files.size(); i += slices) out.add(files.get(i));
        }
        return out;
    }
}
