package org.sparkimage.core;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Builds one row of a schema by field name, so that the classes producing rows and the schemas
 * that describe them meet by name, never by column position. Fields not set are null. One builder
 * makes one row: {@link #build()} hands over its values without copying them.
 */
public final class RowBuilder {
    private final StructType schema;
    private final Object[] values;

    /** A row of {@code schema}, all fields null. */
    public RowBuilder(StructType schema) {
        this.schema = schema;
        this.values = new Object[schema.size()];
    }

    /**
     * Sets one field.
     *
     * @throws IllegalArgumentException when the schema has no such field
     */
    public RowBuilder set(String field, Object value) {
        values[schema.fieldIndex(field)] = value;
        return this;
    }

    /** The row, its values in the schema's order; the builder is not used again. */
    public Row build() {
        return RowFactory.create(values);
    }
}
