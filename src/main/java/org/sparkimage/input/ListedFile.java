package org.sparkimage.input;

import java.sql.Timestamp;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.RowBuilder;
import org.sparkimage.io.TarMemberPath;

/**
 * One file of the listing, as the driver found it: what a task needs to read it and what resume
 * matches committed rows on. Travels to the tasks as a {@link #SCHEMA} row.
 *
 * @param path             the Hadoop path as listed
 * @param length           bytes as listed
 * @param modificationTime as listed
 */
public record ListedFile(String path, long length, Timestamp modificationTime) {
    public static final String PATH = "path";
    public static final String LENGTH = "length";
    public static final String MODIFICATION_TIME = "modificationTime";

    /** The listing's rows. */
    public static final StructType SCHEMA = new StructType()
            .add(PATH, DataTypes.StringType, false)
            .add(LENGTH, DataTypes.LongType, false)
            .add(MODIFICATION_TIME, DataTypes.TimestampType, true);

    /** A {@link #SCHEMA} row, read by field name. */
    public static ListedFile of(Row row) {
        return new ListedFile(row.getAs(PATH), row.<Long>getAs(LENGTH), row.getAs(MODIFICATION_TIME));
    }

    /** This file as a {@link #SCHEMA} row. */
    public Row toRow() {
        return new RowBuilder(SCHEMA).set(PATH, path).set(LENGTH, length).set(MODIFICATION_TIME, modificationTime).build();
    }

    /**
     * The listed file an output row came from, as a column over the row's {@code path}: the path
     * itself, or the tar shard of a member ({@code <shard>.tar/<member>}, {@link TarMemberPath}).
     */
    public static Column sourceOf(Column rowPath) {
        return functions.when(rowPath.rlike(TarMemberPath.REGEX), functions.regexp_extract(rowPath, TarMemberPath.REGEX, 1))
                .otherwise(rowPath);
    }

    /** What the file's output row names it by. */
    ImageRef ref() {
        return new ImageRef(path, length, modificationTime);
    }
}
