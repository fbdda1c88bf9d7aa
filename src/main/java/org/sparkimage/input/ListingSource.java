package org.sparkimage.input;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.PredictionSchema;

/**
 * Files from the driver's listing ({@link FileLister}), after resume: what loose files and tar
 * shards have in common. They are cut into commits of {@code commitEvery} files, each dealt
 * round-robin to its partitions.
 */
abstract class ListingSource implements InputSource {
    private final List<ListedFile> files;
    private final boolean embeddings;

    /** @param files the source's own list (not copied: a listing can hold millions of files) */
    ListingSource(List<ListedFile> files, boolean embeddings) {
        this.files = files;
        this.embeddings = embeddings;
    }

    @Override
    public long rows() {
        return files.size();
    }

    @Override
    public void classify(SparkSession spark, PartitionClassifier classifier, int partitions, int commitEvery, Consumer<Dataset<Row>> commit) {
        map(spark, classifier, PredictionSchema.schema(embeddings), partitions, commitEvery, commit);
    }

    @Override
    public void map(SparkSession spark, MapPartitionsFunction<Row, Row> function, StructType schema, int partitions, int commitEvery,
                    Consumer<Dataset<Row>> commit) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        for (int from = 0; from < files.size(); from += commitEvery) {
            List<ListedFile> chunk = files.subList(from, Math.min(files.size(), from + commitEvery));
            List<Row> rows = roundRobin(chunk, partitions).stream().map(ListedFile::toRow).toList();
            commit.accept(spark.createDataFrame(jsc.parallelize(rows, partitions), ListedFile.SCHEMA)
                    .mapPartitions(function, Encoders.row(schema)));
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
