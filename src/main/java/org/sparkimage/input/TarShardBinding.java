package org.sparkimage.input;

import java.util.Iterator;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.sparkimage.core.ImageInput;

/** A listed tar shard, streamed member by member as the partition function pulls ({@link TarShardImages}). */
final class TarShardBinding extends ListingBinding {
    private static final long serialVersionUID = 1L;

    TarShardBinding(Broadcast<Map<String, String>> hadoopConf, long maxFileBytes, boolean embeddings) {
        super(hadoopConf, maxFileBytes, embeddings);
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        return new TarShardImages(ListedFile.of(row).ref(), fetcher(), maxFileBytes);
    }
}
