package org.sparkimage.job;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.RowFailure;

/** A listed image file, read whole in the task: one image, or the reason it could not be read. */
final class ListedFileBinding extends ListingBinding {
    private static final long serialVersionUID = 1L;

    ListedFileBinding(Broadcast<Map<String, String>> hadoopConf, long maxFileBytes, boolean embeddings) {
        super(hadoopConf, maxFileBytes, embeddings);
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        ImageRef file = ListedFile.of(row).ref();
        ImageInput image;
        try {
            image = ImageInput.encoded(null, file, fetcher().read(file.path(), file.size()));
        } catch (RowFailure e) {
            image = ImageInput.failed(null, file, e);
        }
        return List.of(image).iterator();
    }
}
