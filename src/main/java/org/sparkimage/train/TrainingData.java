package org.sparkimage.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.input.ListedFile;
import org.sparkimage.setup.JobException;

/**
 * The cached embedding rows joined with their labels: the rows to train on (ok images with a
 * label), and the files that failed (error rows: left out of training, listed in the report). A
 * row takes the label of its own path, else its tar shard's (a shard in a class folder labels all
 * its members). Classes are indexed in name order, as torchvision's {@code ImageFolder} does.
 */
public final class TrainingData {
    /** Column: the image's path. */
    public static final String PATH = PredictionSchema.PATH;
    /** Column: its class name. */
    public static final String LABEL = "label";
    /** Column: its embedding vector. */
    public static final String EMBEDDING = PredictionSchema.EMBEDDING;
    /** Column: its class index (a double, as MLlib's label), in {@link #classes()} order. */
    public static final String LABEL_INDEX = HeadTrainer.LABEL_INDEX;

    private static final StructType LABELS = new StructType().add(PATH, DataTypes.StringType, false)
            .add(LABEL, DataTypes.StringType, false);

    private final Dataset<Row> ok;
    private final List<String> classes;
    private final long[] perClass;
    private final List<Row> failed;
    private final long unlabeledRows;

    private TrainingData(Dataset<Row> ok, List<String> classes, long[] perClass, List<Row> failed, long unlabeledRows) {
        this.ok = ok;
        this.classes = classes;
        this.perClass = perClass;
        this.failed = failed;
        this.unlabeledRows = unlabeledRows;
    }

    /**
     * Joins {@code rows} (the cache's) with {@code labels} (class by path) and counts.
     */
    public static TrainingData of(SparkSession spark, Dataset<Row> rows, Map<String, String> labels) {
        List<Row> pairs = new ArrayList<>(labels.size());
        labels.forEach((p, l) -> pairs.add(RowFactory.create(p, l)));
        Dataset<Row> byPath = spark.createDataFrame(pairs, LABELS);
        Column path = functions.col(PATH);
        Column source = ListedFile.sourceOf(path);
        Dataset<Row> own = byPath.withColumnRenamed(PATH, "_own").withColumnRenamed(LABEL, "_own_label");
        Dataset<Row> shard = byPath.withColumnRenamed(PATH, "_shard").withColumnRenamed(LABEL, "_shard_label");
        Dataset<Row> labeled = rows.join(functions.broadcast(own), path.equalTo(functions.col("_own")), "left")
                .join(functions.broadcast(shard), source.equalTo(functions.col("_shard")), "left")
                .withColumn(LABEL, functions.coalesce(functions.col("_own_label"), functions.col("_shard_label")))
                .drop("_own", "_own_label", "_shard", "_shard_label");
        List<Row> failed = labeled.filter(functions.col(PredictionSchema.STATUS).notEqual(PredictionSchema.OK))
                .select(PATH, LABEL, PredictionSchema.ERROR_CODE, PredictionSchema.ERROR_MESSAGE).orderBy(PATH).collectAsList();
        long unlabeled = labeled.filter(functions.col(LABEL).isNull()).count();
        Dataset<Row> ok = labeled.filter(functions.col(PredictionSchema.STATUS).equalTo(PredictionSchema.OK)
                .and(functions.col(LABEL).isNotNull())).select(PATH, LABEL, EMBEDDING);
        List<String> classes = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (Row r : ok.groupBy(LABEL).count().orderBy(LABEL).collectAsList()) {
            classes.add(r.getString(0));
            counts.add(r.getLong(1));
        }
        long[] perClass = counts.stream().mapToLong(Long::longValue).toArray();
        List<Row> indices = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) indices.add(RowFactory.create(classes.get(i), (double) i));
        Dataset<Row> index = spark.createDataFrame(indices, new StructType().add(LABEL, DataTypes.StringType, false)
                .add(HeadTrainer.LABEL_INDEX, DataTypes.DoubleType, false));
        return new TrainingData(ok.join(functions.broadcast(index), LABEL), List.copyOf(classes), perClass, failed, unlabeled);
    }

    /** Ok, labeled rows: path, label, embedding, label_index. */
    public Dataset<Row> ok() {
        return ok;
    }

    /** Class names in index order. */
    public List<String> classes() {
        return classes;
    }

    /** Ok images per class, in index order. */
    public long[] perClass() {
        return perClass.clone();
    }

    /** Error rows (path, label, error_code, error_message), by path. */
    public List<Row> failed() {
        return failed;
    }

    /**
     * Refuses what no head can be fitted on once the images are decoded: fewer than two classes, or
     * a class left with fewer than two images because files failed.
     *
     * @throws JobException exit 2, naming the classes and the failed count
     */
    public void requireTrainable() throws JobException {
        List<String> small = new ArrayList<>();
        for (int i = 0; i < perClass.length; i++) if (perClass[i] < 2) small.add(classes.get(i) + " (" + perClass[i] + ")");
        if (classes.size() < 2 || !small.isEmpty()) {
            throw new JobException(JobException.EXIT_USAGE, "after decoding, "
                    + (classes.size() < 2 ? "fewer than 2 classes have images" : "classes with fewer than 2 decodable images: "
                    + String.join(", ", small)) + "; " + failed.size() + " files failed to decode (the embeddings cache is kept)");
        }
    }

    /** Cached rows without a label (tar members a label table does not name). */
    public long unlabeledRows() {
        return unlabeledRows;
    }
}
