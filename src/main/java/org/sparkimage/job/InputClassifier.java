package org.sparkimage.job;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.PartitionStats;
import org.sparkimage.input.InputSource;
import org.sparkimage.input.InputSources;
import org.sparkimage.setup.JobOptions;

/**
 * The driver side of classifying opened input: broadcast the model and the Hadoop settings once,
 * run the batched partition function ({@link PartitionClassifier}) over every source chunk by
 * chunk, print progress, and collect the partitions' stats. What the chunks become is the caller's:
 * the classify job commits them to its predictions table, training writes them to its embeddings
 * cache.
 */
public final class InputClassifier {
    private InputClassifier() {}

    /**
     * Tasks per core and chunk. Every task fills and drains its decode/inference pipeline and writes
     * a Parquet file, so fewer, longer tasks are faster (measured: docs/throughput.md); two per core
     * still lets a fast core take over part of a slow one's share.
     */
    static final int PARTITIONS_PER_CORE = 2;

    /**
     * What a run did.
     *
     * @param stats      every partition's stats, in partition order
     * @param partitions the largest number of partitions of a chunk
     */
    public record Result(List<PartitionStats> stats, int partitions) {
        /** Images the partitions turned into rows. */
        public long images() {
            return stats.stream().mapToLong(s -> s.counts().images()).sum();
        }
    }

    /**
     * Classifies every source of {@code input} with {@code bundle}, handing each chunk's rows to
     * {@code commit}.
     *
     * @param run     partitions, rows per chunk and the progress interval
     * @param console where the per-source line and progress lines go
     */
    public static Result run(SparkSession spark, ModelBundle bundle, ClassifierSettings settings, InputSources input,
                             JobOptions.Run run, Consumer<Dataset<Row>> commit, PrintStream console) {
        SparkContext sc = spark.sparkContext();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Broadcast<ModelBundle> model = jsc.broadcast(bundle);
        Broadcast<Map<String, String>> conf = hadoopConf(jsc, sc.hadoopConfiguration());
        PartitionClassifier.Reporting reporting = new PartitionClassifier.Reporting(sc.longAccumulator("images processed"),
                sc.longAccumulator("images failed"), sc.collectionAccumulator("partition stats"));
        int partitions = 0;
        try (ProgressReporter progress = new ProgressReporter(sc, reporting.processed(), reporting.errors(),
                input.expectedImages(), run.progressSeconds(), console)) {
            for (InputSource source : input.sources()) {
                int n = partitions(sc, run, source.rows());
                partitions = Math.max(partitions, n);
                console.printf("classifying %s in %d partitions per commit of up to %d with %s%n", source.describe(), n,
                        run.commitEvery(), bundle.card().name());
                source.classify(spark, new PartitionClassifier(model, settings, source.binding(settings, conf), reporting),
                        n, run.commitEvery(), commit);
            }
            if (run.progressSeconds() > 0) progress.report();
        }
        List<PartitionStats> stats = new ArrayList<>(reporting.stats().value());
        stats.sort(Comparator.comparingInt(s -> s.task().partition()));
        return new Result(List.copyOf(stats), partitions);
    }

    /** Partitions per chunk: asked for, or two per core of the cluster, never more than the chunk's rows. */
    static int partitions(SparkContext sc, JobOptions.Run run, long rows) {
        if (run.partitions() > 0) return run.partitions();
        int chunk = (int) Math.min(run.commitEvery(), Math.max(1, rows));
        return Math.max(1, Math.min(chunk, PARTITIONS_PER_CORE * sc.defaultParallelism()));
    }

    /** The driver's Hadoop settings (credentials, file system options) for the tasks' reads. */
    public static Broadcast<Map<String, String>> hadoopConf(JavaSparkContext jsc, Configuration hadoop) {
        Map<String, String> entries = new HashMap<>();
        hadoop.forEach(e -> entries.put(e.getKey(), e.getValue()));
        return jsc.broadcast(entries);
    }
}
