package org.sparkimage.job;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.sparkimage.core.ClassificationResult;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBinding;
import org.sparkimage.core.RowFailure;
import org.sparkimage.io.TarShards;

/**
 * Files listed by {@link FileLister} ({@link ListedFile} rows), read in the task
 * through the Hadoop file system, to {@code <output>/predictions} rows; a tar file is a
 * shard whose members are the images ({@link TarShardImages}).
 */
final class ListedFileBinding implements RowBinding {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Map<String, String>> hadoopConf;
    private final long maxFileBytes;
    private final boolean embeddings;
    private transient FileFetcher fetcher;

    ListedFileBinding(Broadcast<Map<String, String>> hadoopConf, long maxFileBytes, boolean embeddings) {
        this.hadoopConf = hadoopConf;
        this.maxFileBytes = maxFileBytes;
        this.embeddings = embeddings;
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        ImageRef file = ListedFile.of(row).ref();
        if (fetcher == null) fetcher = new FileFetcher(hadoopConf.value(), maxFileBytes);
        if (TarShards.isShard(file.path())) return new TarShardImages(file, fetcher, maxFileBytes);
        ImageInput image;
        try {
            image = ImageInput.encoded(null, file, fetcher.read(file.path(), file.size()));
        } catch (RowFailure e) {
            image = ImageInput.failed(null, file, e);
        }
        return List.of(image).iterator();
    }

    @Override
    public Row output(Row input, ImageRef ref, ClassificationResult result) {
        return PredictionSchema.predictionRow(ref, result, embeddings);
    }
}
