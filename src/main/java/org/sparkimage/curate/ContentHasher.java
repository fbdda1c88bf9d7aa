package org.sparkimage.curate;

import java.util.Iterator;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.RowBinding;
import org.sparkimage.util.Sha256;

/**
 * The partition function of the exact-duplicate pass: every image of the input rows, read through
 * the job's own binding (loose files, tar members, table cells, with its size limit), hashed and not
 * decoded. One row per image, as the classify job gives: its path and the sha256 of its bytes, or a
 * null hash when it could not be read (the embedding pass gives that image its error row).
 */
public final class ContentHasher implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** Column: the image's path, as in the predictions and embedding rows. */
    public static final String PATH = "path";
    /** Column: hex sha256 of the image's encoded bytes; null when it could not be read. */
    public static final String SHA256 = "content_sha256";
    /** The rows this function returns. */
    public static final StructType SCHEMA = new StructType().add(PATH, DataTypes.StringType, false)
            .add(SHA256, DataTypes.StringType, true);

    private final RowBinding binding;

    /** @param binding how the input rows become images (the source's own) */
    public ContentHasher(RowBinding binding) {
        this.binding = binding;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Iterator<ImageInput> images = binding.images(rows);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return images.hasNext();
            }

            @Override
            public Row next() {
                ImageInput in = images.next();
                return RowFactory.create(in.ref().path(), in.bytes() == null ? null : Sha256.hex(in.bytes()));
            }
        };
    }
}
