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

    private final Broadcast<Map<String, String>> hadoopConf;
    final long maxFileBytes;
    private final boolean embeddings;
    private transient FileFetcher fetcher;

    ListingBinding(Broadcast<Map<String, String>> hadoopConf, long maxFileBytes, boolean embeddings) {
        this.hadoopConf = hadoopConf;
        this.maxFileBytes = maxFileBytes;
        this.embeddings = embeddings;
    }

    /** The task's reader, created on first use from the driver's Hadoop settings (read-ahead threads share it). */
    synchronized FileFetcher fetcher() {
        if (fetcher == null) fetcher = new FileFetcher(hadoopConf.value(), maxFileBytes);
        return fetcher;
    }

    @Override
    public Row output(Row input, ImageRef ref, ClassificationResult result) {
        return PredictionSchema.predictionRow(ref, result, embeddings);
    }
}
