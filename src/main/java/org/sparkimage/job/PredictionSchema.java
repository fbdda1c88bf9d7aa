package org.sparkimage.job;

import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Locale;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.image.ErrorCode;

/**
 * The row contract of {@code <output>/predictions}: exactly one row per input file, either
 * {@code status = "ok"} with a prediction or {@code status = "error"} with a stable
 * {@link ErrorCode} and a readable message. The only place that builds such rows.
 */
public final class PredictionSchema {
    public static final String OK = "ok";
    public static final String ERROR = "error";

    public static final StructType TOP_K_ENTRY = new StructType(new StructField[] {
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("probability", DataTypes.FloatType, false)});

    public static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField("error_code", DataTypes.StringType, true),
            DataTypes.createStructField("error_message", DataTypes.StringType, true),
            DataTypes.createStructField("width", DataTypes.IntegerType, true),
            DataTypes.createStructField("height", DataTypes.IntegerType, true),
            DataTypes.createStructField("label", DataTypes.StringType, true),
            DataTypes.createStructField("label_index", DataTypes.IntegerType, true),
            DataTypes.createStructField("probability", DataTypes.FloatType, true),
            DataTypes.createStructField("top_k", DataTypes.createArrayType(TOP_K_ENTRY, false), true),
            DataTypes.createStructField("model_sha256", DataTypes.StringType, false),
            DataTypes.createStructField("file_size", DataTypes.LongType, true),
            DataTypes.createStructField("modification_time", DataTypes.TimestampType, true)});

    /** Optional column with the model's pooled features ({@code --embeddings}); null on error rows. */
    public static final String EMBEDDING = "embedding";

    /** {@link #SCHEMA}, plus the {@value #EMBEDDING} vector column when embeddings are on. */
    public static StructType schema(boolean embeddings) {
        return embeddings ? SCHEMA.add(DataTypes.createStructField(EMBEDDING, SQLDataTypes.VectorType(), true)) : SCHEMA;
    }

    private PredictionSchema() {}

    /** The input side of a row: which file, as listed. */
    public record FileRef(String path, long size, Timestamp modificationTime) {}

    /** @param embedding the pooled features, or null when the output has no embedding column */
    public static Row ok(FileRef file, int width, int height, TopK.Result top, String modelSha256, Vector embedding) {
        Row[] entries = new Row[top.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = RowFactory.create(top.index(i), top.label(i), top.probability(i));
        }
        Object[] values = {file.path(), OK, null, null, width, height, top.label(0), top.index(0),
                top.probability(0), entries, modelSha256, file.size(), file.modificationTime(), embedding};
        return RowFactory.create(embedding == null ? Arrays.copyOf(values, values.length - 1) : values);
    }

    /** @param withEmbedding whether the output has the (then null) embedding column */
    public static Row error(FileRef file, ErrorCode code, String message, String modelSha256, boolean withEmbedding) {
        String msg = message == null || message.isBlank() ? code.name().toLowerCase(Locale.ROOT).replace('_', ' ') : message;
        Object[] values = {file.path(), ERROR, code.name(), msg, null, null, null, null, null, null, modelSha256,
                file.size(), file.modificationTime(), null};
        return RowFactory.create(withEmbedding ? values : Arrays.copyOf(values, values.length - 1));
    }
}
