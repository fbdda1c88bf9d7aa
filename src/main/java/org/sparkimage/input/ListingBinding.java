package org.sparkimage.input;

import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.sparkimage.core.ClassificationResult;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBinding;

/**
 * What the bindings of listed files share: {@link ListedFile} rows in, read in the task through
 * one {@link FileFetcher} per task, {@code <output>/predictions} rows out.
 */
abstract class ListingBinding implements RowBinding {
    private static final long serialVersionUID = 1L;

    private final TaskFetcher files;
    final long maxFileBytes;
    private final boolean embeddings;

    ListingBinding(Broadcast<Map<String, String>> hadoopConf, long maxFileBytes, boolean embeddings) {
        this.files = new TaskFetcher(hadoopConf, maxFileBytes);
        this.maxFileBytes = maxFileBytes;
        this.embeddings = embeddings;
    }

    /** The task's reader, created on first use from the driver's Hadoop settings (read-ahead threads share it). */
    FileFetcher fetcher() {
        return files.get();
    }

    @Override
    public Row output(Row input, ImageRef ref, ClassificationResult result) {
        return PredictionSchema.predictionRow(ref, result, embeddings);
    }
}
