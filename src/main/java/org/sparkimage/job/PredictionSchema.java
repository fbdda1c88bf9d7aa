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
 * The row contract: exactly one result per input image, either {@code status = "ok"} with a
 * prediction or {@code status = "error"} with a stable {@link ErrorCode} and a readable message.
 * The only place that builds such results.
 *
 * <p>{@link #RESULT} is the result itself; the job's {@code <output>/predictions} rows
 * ({@link #SCHEMA}) are the input's path, the result's fields and the file's size and
 * modification time; the ML transformer appends the result to the input row as one struct column.
 */
public final class PredictionSchema {
    public static final String OK = "ok";
    public static final String ERROR = "error";

    public static final StructType TOP_K_ENTRY = new StructType(new StructField[] {
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("probability", DataTypes.FloatType, false)});

    /** The outcome for one image; values in this order come from {@link #ok} and {@link #error}. */
    public static final StructType RESULT = new StructType(new StructField[] {
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField("error_code", DataTypes.StringType, true),
            DataTypes.createStructField("error_message", DataTypes.StringType, true),
            DataTypes.createStructField("width", DataTypes.IntegerType, true),
            DataTypes.createStructField("height", DataTypes.IntegerType, true),
            DataTypes.createStructField("label", DataTypes.StringType, true),
            DataTypes.createStructField("label_index", DataTypes.IntegerType, true),
            DataTypes.createStructField("probability", DataTypes.FloatType, true),
            DataTypes.createStructField("top_k", DataTypes.createArrayType(TOP_K_ENTRY, false), true),
            DataTypes.createStructField("model_sha256", DataTypes.StringType, false)});

    /** {@code <output>/predictions}: path, the {@link #RESULT} fields, file size and modification time. */
    public static final StructType SCHEMA = new StructType(concat(
            new StructField[] {DataTypes.createStructField("path", DataTypes.StringType, false)},
            RESULT.fields(),
            new StructField[] {DataTypes.createStructField("file_size", DataTypes.LongType, true),
                    DataTypes.createStructField("modification_time", DataTypes.TimestampType, true)}));

    /** Optional column with the model's pooled features ({@code --embeddings}); null on error rows. */
    public static final String EMBEDDING = "embedding";

    /** {@link #SCHEMA}, plus the {@value #EMBEDDING} vector column when embeddings are on. */
    public static StructType schema(boolean embeddings) {
        return embeddings ? SCHEMA.add(DataTypes.createStructField(EMBEDDING, SQLDataTypes.VectorType(), true)) : SCHEMA;
    }

    private PredictionSchema() {}

    private static StructField[] concat(StructField[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(StructField[]::new);
    }

    /** The input side of a result: which file (or table row, or tar member), as listed. */
    public record FileRef(String path, long size, Timestamp modificationTime) {}

    /** An image's result: the {@link #RESULT} values and, when asked for, its pooled features. */
    public record Result(Object[] values, Vector embedding) {
        public boolean isError() {
            return ERROR.equals(values[0]);
        }

        /** The {@link ErrorCode} name of an error result, else null. */
        public String errorCode() {
            return (String) values[1];
        }

        public Row asRow() {
            return RowFactory.create(values);
        }
    }

    /** @param embedding the pooled features, or null when embeddings are off */
    public static Result ok(int width, int height, TopK.Result top, String modelSha256, Vector embedding) {
        Row[] entries = new Row[top.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = RowFactory.create(top.index(i), top.label(i), top.probability(i));
        }
        return new Result(new Object[] {OK, null, null, width, height, top.label(0), top.index(0), top.probability(0), entries,
                modelSha256}, embedding);
    }

    public static Result error(ErrorCode code, String message, String modelSha256) {
        String msg = message == null || message.isBlank() ? code.name().toLowerCase(Locale.ROOT).replace('_', ' ') : message;
        return new Result(new Object[] {ERROR, code.name(), msg, null, null, null, null, null, null, modelSha256}, null);
    }

    /** A {@link #schema(boolean)} row. */
    public static Row row(FileRef file, Result result, boolean withEmbedding) {
        Object[] v = result.values();
        Object[] values = new Object[1 + v.length + (withEmbedding ? 3 : 2)];
        values[0] = file.path();
        System.arraycopy(v, 0, values, 1, v.length);
        values[1 + v.length] = file.size();
        values[2 + v.length] = file.modificationTime();
        if (withEmbedding) values[3 + v.length] = result.embedding();
        return RowFactory.create(values);
    }
}
