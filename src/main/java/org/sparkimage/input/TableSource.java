package org.sparkimage.input;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.BinaryField;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBinding;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.ReadAhead;

/**
 * A Parquet table whose binary column (or binary field of a struct column, such as the Hugging Face
 * {@code Image} feature's {@code image.bytes}: {@link BinaryField}) holds encoded images, one output
 * row per table row, named by the id column (a struct field too, e.g. {@code image.path}) or
 * {@code <input>#<row id>}. An {@code Image} cell whose bytes are null is read from its
 * {@code path} ({@link TableCellBinding}). Carried columns ({@code --carry-columns}) follow the
 * product's columns in the output. Committed in one write job: a table has no listing to resume
 * against.
 */
final class TableSource implements InputSource {
    private final Dataset<Row> rows;
    private final long count;
    private final boolean embeddings;
    private final String imageBase;
    private final StructType carried;
    private final ReadAhead readAhead;

    private TableSource(Dataset<Row> rows, boolean embeddings, String imageBase, StructType carried, ReadAhead readAhead) {
        this.rows = rows;
        this.count = rows.count();
        this.embeddings = embeddings;
        this.imageBase = imageBase;
        this.carried = carried;
        this.readAhead = readAhead;
    }

    /**
     * Opens the table and checks its columns.
     *
     * @throws JobException (exit 3) when it is not a readable Parquet table with those columns, or
     *                      the folder of its relative image paths cannot be resolved
     */
    static TableSource open(SparkSession spark, String input, JobOptions.TableInput in, boolean embeddings, Configuration hadoop,
                            ReadAhead readAhead) throws JobException {
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
        StructField column = t.schema().fields()[bytes.column()];
        Column content = bytes.field() < 0 ? t.col(column.name())
                : t.col(column.name()).getField(((StructType) column.dataType()).fieldNames()[bytes.field()]);
        int pathField = bytes.pathField(t.schema());
        Column imagePath = pathField < 0 ? functions.lit(null).cast(DataTypes.StringType)
                : t.col(column.name()).getField(((StructType) column.dataType()).fieldNames()[pathField]);
        Column id = in.idColumn() != null ? functions.col(in.idColumn()).cast("string")
                : functions.concat(functions.lit(input + "#"), functions.monotonically_increasing_id().cast("string"));
        List<Column> carry = new ArrayList<>();
        StructType carried = new StructType();
        for (JobOptions.CarriedColumn c : in.carry()) {
            if (!List.of(t.columns()).contains(c.column())) {
                throw new JobException(JobException.EXIT_INPUT, "table " + input + ": --carry-columns names '" + c.column()
                        + "', which is not a top-level column of " + List.of(t.columns()));
            }
            carry.add(t.col(c.column()).as(c.as()));
            carried = carried.add(c.as(), t.schema().apply(c.column()).dataType(), true);
        }
        // An empty struct() is not a valid column: without carried columns there is none.
        List<Column> select = new ArrayList<>(List.of(id.as(TableCellBinding.ID), content.as(TableCellBinding.CONTENT),
                imagePath.as(TableCellBinding.IMAGE_PATH)));
        if (!carry.isEmpty()) select.add(functions.struct(carry.toArray(Column[]::new)).as(TableCellBinding.CARRIED));
        String base;
        try {
            base = in.resolveImageBase(input, hadoop);
        } catch (IOException | IllegalArgumentException e) {
            throw new JobException(JobException.EXIT_INPUT, "cannot resolve the folder of relative image paths: " + e.getMessage());
        }
        return new TableSource(t.select(select.toArray(Column[]::new)), embeddings, base, carried, readAhead);
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
    public StructType carriedColumns() {
        return carried;
    }

    @Override
    public RowBinding binding(ClassifierSettings settings, Broadcast<Map<String, String>> hadoopConf) {
        return new TableCellBinding(settings.maxImageBytes(), settings.embeddings(), hadoopConf, imageBase, schema(),
                List.of(carried.fieldNames()), readAhead);
    }

    /** One commit; the table's own partitions are kept unless there are too few to keep every core busy. */
    @Override
    public void classify(SparkSession spark, PartitionClassifier classifier, int partitions, int commitEvery, Consumer<Dataset<Row>> commit) {
        map(spark, classifier, schema(), partitions, commitEvery, commit);
    }

    @Override
    public void map(SparkSession spark, MapPartitionsFunction<Row, Row> function, StructType schema, int partitions, int commitEvery,
                    Consumer<Dataset<Row>> commit) {
        Dataset<Row> input = rows.rdd().getNumPartitions() < partitions ? rows.repartition(partitions) : rows;
        commit.accept(input.mapPartitions(function, Encoders.row(schema)));
    }

    /** The output rows: the predictions, then the carried columns. */
    private StructType schema() {
        return InputSources.withCarried(PredictionSchema.schema(embeddings), carried);
    }
}
