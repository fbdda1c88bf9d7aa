package org.sparkimage.input;

import java.util.Map;
import java.util.function.Consumer;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.BinaryField;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBinding;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;

/**
 * A Parquet table whose binary column (or binary field of a struct column, such as the Hugging Face
 * {@code Image} feature's {@code image.bytes}: {@link BinaryField}) holds encoded images, one output
 * row per table row, named by the id column (a struct field too, e.g. {@code image.path}) or
 * {@code <input>#<row id>}. Committed in one write job: a table has no listing to
 * resume against.
 */
final class TableSource implements InputSource {
    private final Dataset<Row> rows;
    private final long count;
    private final boolean embeddings;

    private TableSource(Dataset<Row> rows, boolean embeddings) {
        this.rows = rows;
        this.count = rows.count();
        this.embeddings = embeddings;
    }

    /**
     * Opens the table and checks its columns.
     *
     * @throws JobException (exit 3) when it is not a readable Parquet table with those columns
     */
    static TableSource open(SparkSession spark, String input, JobOptions.TableInput in, boolean embeddings) throws JobException {
        Dataset<Row> t;
        try {
            t = spark.read().parquet(input);
        } catch (RuntimeException e) {
            throw new JobException(JobException.EXIT_INPUT, "input " + input + " is not a readable Parquet table: " + e.getMessage());
        }
        BinaryField bytes;
        try {
            bytes = BinaryField.resolve(t.schema(), in.binaryColumn());
            if (in.idColumn() != null) t.select(functions.col(in.idColumn())); // exists (a struct field too)?
        } catch (Exception e) { // IllegalArgumentException, or Spark's AnalysisException (undeclared) for the id column
            throw new JobException(JobException.EXIT_INPUT, "table " + input + ": " + e.getMessage());
        }
        Column content = bytes.field() < 0 ? t.col(t.columns()[bytes.column()])
                : t.col(t.columns()[bytes.column()]).getField(((StructType) t.schema().fields()[bytes.column()].dataType())
                .fieldNames()[bytes.field()]);
        Column id = in.idColumn() != null ? functions.col(in.idColumn()).cast("string")
                : functions.concat(functions.lit(input + "#"), functions.monotonically_increasing_id().cast("string"));
        return new TableSource(t.select(id.as(TableCellBinding.ID), content.as(TableCellBinding.CONTENT)),
                embeddings);
    }

    @Override
    public String describe() {
        return count + " table rows";
    }

    @Override
    public long rows() {
        return count;
    }

    @Override
    public long expectedImages() {
        return count;
    }

    @Override
    public RowBinding binding(ClassifierSettings settings, Broadcast<Map<String, String>> hadoopConf) {
        return new TableCellBinding(settings.maxImageBytes(), settings.embeddings());
    }

    /** One commit; the table's own partitions are kept unless there are too few to keep every core busy. */
    @Override
    public void classify(SparkSession spark, PartitionClassifier classifier, int partitions, int commitEvery, Consumer<Dataset<Row>> commit) {
        map(spark, classifier, PredictionSchema.schema(embeddings), partitions, commitEvery, commit);
    }

    @Override
    public void map(SparkSession spark, MapPartitionsFunction<Row, Row> function, StructType schema, int partitions, int commitEvery,
                    Consumer<Dataset<Row>> commit) {
        Dataset<Row> input = rows.rdd().getNumPartitions() < partitions ? rows.repartition(partitions) : rows;
        commit.accept(input.mapPartitions(function, Encoders.row(schema)));
    }
}
