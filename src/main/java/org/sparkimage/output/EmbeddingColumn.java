package org.sparkimage.output;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.setup.EmbeddingFormat;

/**
 * The {@code embedding} column as the predictions table stores it ({@link EmbeddingFormat}). The
 * partition function always makes ML Vectors (the transformer's type); a table of
 * {@link EmbeddingFormat#ARRAY} gets {@code array<float>} by a conversion in the write's plan, so
 * that executors' code has one row shape.
 */
final class EmbeddingColumn {
    private EmbeddingColumn() {}

    /** The stored type of {@code format}. */
    static DataType type(EmbeddingFormat format) {
        return format == EmbeddingFormat.ARRAY ? DataTypes.createArrayType(DataTypes.FloatType, false) : new VectorUDT();
    }

    /** {@code rowSchema} with its embedding column (if any) of the stored type. */
    static StructType stored(StructType rowSchema, EmbeddingFormat format) {
        StructField[] fields = rowSchema.fields().clone();
        for (int i = 0; i < fields.length; i++) {
            StructField f = fields[i];
            if (f.name().equals(PredictionSchema.EMBEDDING)) fields[i] = new StructField(f.name(), type(format), f.nullable(), f.metadata());
        }
        return new StructType(fields);
    }

    /** The rows with their Vector embedding converted to {@code format}'s type (as they are without one). */
    static Dataset<Row> toStored(Dataset<Row> rows, EmbeddingFormat format) {
        if (format != EmbeddingFormat.ARRAY || !java.util.Arrays.asList(rows.columns()).contains(PredictionSchema.EMBEDDING)) return rows;
        if (!(rows.schema().apply(PredictionSchema.EMBEDDING).dataType() instanceof VectorUDT)) return rows;
        Column v = functions.col(PredictionSchema.EMBEDDING);
        // vector_to_array throws on null (error rows have none): only non-null vectors reach it.
        Column array = functions.when(v.isNull(), functions.lit(null).cast(type(EmbeddingFormat.ARRAY)))
                .otherwise(org.apache.spark.ml.functions.vector_to_array(v, "float32"));
        return rows.withColumn(PredictionSchema.EMBEDDING, array);
    }

    /** The format of a stored schema's embedding column; null when it has none. */
    static EmbeddingFormat of(StructType stored) {
        for (StructField f : stored.fields()) {
            if (!f.name().equals(PredictionSchema.EMBEDDING)) continue;
            if (f.dataType() instanceof ArrayType) return EmbeddingFormat.ARRAY;
            if (f.dataType() instanceof VectorUDT) return EmbeddingFormat.VECTOR;
        }
        return null;
    }
}
