package org.sparkimage.job;

import java.util.Iterator;
import java.util.List;

import org.apache.spark.sql.Row;

/**
 * A Parquet table input: {@code (path, content)} rows, the id and the image bytes of one table row
 * (see {@code ClassificationJob.tableRows}), to {@code <output>/predictions} rows.
 */
final class TableCellBinding implements RowBinding {
    private static final long serialVersionUID = 1L;

    private final long maxFileBytes;
    private final boolean embeddings;

    TableCellBinding(long maxFileBytes, boolean embeddings) {
        this.maxFileBytes = maxFileBytes;
        this.embeddings = embeddings;
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        byte[] data = row.isNullAt(1) ? null : (byte[]) row.get(1);
        PredictionSchema.FileRef ref = new PredictionSchema.FileRef(row.isNullAt(0) ? "(null id)" : row.getString(0),
                data == null ? 0 : data.length, null);
        // The output needs only the id: the row (and its bytes) is not kept.
        return List.of(ImageInput.inline(null, ref, data, maxFileBytes)).iterator();
    }

    @Override
    public Row output(Row input, PredictionSchema.FileRef ref, PredictionSchema.Result result) {
        return PredictionSchema.row(ref, result, embeddings);
    }
}
