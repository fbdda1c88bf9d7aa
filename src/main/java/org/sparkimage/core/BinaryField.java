package org.sparkimage.core;

import java.util.List;

import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where the encoded image bytes of a row are, for the CLI's {@code --binary-column} and the
 * transformer's {@code inputCol}: a binary column, a binary field of a struct column named
 * {@code column.field} (the Hugging Face {@code Image} feature is {@code struct<bytes, path>}:
 * {@code image.bytes}), or such a struct column itself, whose {@value #HF_BYTES} field is taken.
 * A top-level column whose name contains a dot wins over a struct field of that name.
 *
 * @param column index of the top-level column
 * @param field  index of the binary field inside it, or -1 when the column itself is binary
 * @param path   the name as resolved ({@code image.bytes} also for a struct given as {@code image})
 */
public record BinaryField(int column, int field, String path) {
    /** The bytes field of a Hugging Face {@code Image} struct. */
    public static final String HF_BYTES = "bytes";
    /** The path field of a Hugging Face {@code Image} struct: the image file when {@value #HF_BYTES} is null. */
    public static final String HF_PATH = "path";

    /** Whether {@code type} is a struct with a binary {@value #HF_BYTES} field (Hugging Face's {@code Image}). */
    public static boolean isImageFeature(DataType type) {
        return type instanceof StructType s && List.of(s.fieldNames()).contains(HF_BYTES)
                && s.apply(HF_BYTES).dataType() instanceof BinaryType;
    }

    /**
     * The index of the string {@value #HF_PATH} field beside this {@value #HF_BYTES} field, in the
     * struct column of {@code schema} this was resolved in: where a Hugging Face {@code Image} cell
     * without bytes names its file. -1 when this is a binary column, another field, or the struct
     * has no such field.
     */
    public int pathField(StructType schema) {
        if (field < 0 || !(schema.fields()[column].dataType() instanceof StructType s)) return -1;
        if (!s.fields()[field].name().equals(HF_BYTES) || !List.of(s.fieldNames()).contains(HF_PATH)) return -1;
        return s.apply(HF_PATH).dataType() instanceof StringType ? s.fieldIndex(HF_PATH) : -1;
    }

    /**
     * Resolves {@code name} in {@code schema}.
     *
     * @throws IllegalArgumentException naming the columns there are, when it is missing or not binary
     */
    public static BinaryField resolve(StructType schema, String name) {
        List<String> columns = List.of(schema.fieldNames());
        if (columns.contains(name)) {
            int i = schema.fieldIndex(name);
            DataType type = schema.fields()[i].dataType();
            if (type instanceof BinaryType) return new BinaryField(i, -1, name);
            if (isImageFeature(type)) return new BinaryField(i, ((StructType) type).fieldIndex(HF_BYTES), name + "." + HF_BYTES);
            throw new IllegalArgumentException("column '" + name + "' is not binary (nor a struct with a binary '" + HF_BYTES
                    + "' field) but " + type.simpleString());
        }
        int dot = name.indexOf('.');
        if (dot > 0 && columns.contains(name.substring(0, dot))) {
            StructField outer = schema.apply(name.substring(0, dot));
            String inner = name.substring(dot + 1);
            if (outer.dataType() instanceof StructType s && List.of(s.fieldNames()).contains(inner)) {
                DataType type = s.apply(inner).dataType();
                if (!(type instanceof BinaryType)) {
                    throw new IllegalArgumentException("field '" + name + "' is not binary but " + type.simpleString());
                }
                return new BinaryField(schema.fieldIndex(outer.name()), s.fieldIndex(inner), name);
            }
        }
        throw new IllegalArgumentException("column '" + name + "' is not in " + columns);
    }
}
