package org.sparkimage.input;

import java.util.Iterator;
import java.util.List;

import org.apache.spark.sql.Row;
import org.sparkimage.core.ClassificationResult;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBinding;

/**
 * A Parquet table input: rows with an {@value #ID} and a {@value #CONTENT} column, the id and the
 * image bytes of one table row (see {@link TableSource}), to {@code <output>/predictions} rows.
 */
final class TableCellBinding implements RowBinding {
    private static final long serialVersionUID = 1L;

    /** The row's name in the output's {@code path}. */
    static final String ID = "path";
    /** The encoded image. */
    static final String CONTENT = "content";

    private final long maxFileBytes;
    private final boolean embeddings;

    TableCellBinding(long maxFileBytes, boolean embeddings) {
        this.maxFileBytes = maxFileBytes;
        this.embeddings = embeddings;
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        byte[] data = row.getAs(CONTENT);
        String id = row.getAs(ID);
        ImageRef ref = new ImageRef(id == null ? "(null id)" : id, data == null ? 0 : data.length, null);
        // The output needs only the id: the row (and its bytes) is not kept.
        return List.of(ImageInput.inline(null, ref, data, maxFileBytes)).iterator();
    }

    @Override
    public Row output(Row input, ImageRef ref, ClassificationResult result) {
        return PredictionSchema.predictionRow(ref, result, embeddings);
    }
}
