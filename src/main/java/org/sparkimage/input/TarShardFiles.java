package org.sparkimage.input;

import java.util.List;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.RowBinding;

/**
 * Listed tar shards (WebDataset style: {@code .tar}, {@code .tar.gz}, {@code .tgz}; see
 * {@link org.sparkimage.io.TarShards}): one output row per member ({@link TarShardBinding}), so how
 * many only reading tells. Each shard is streamed whole by one task; a commit holds
 * {@code commitEvery} shards.
 */
final class TarShardFiles extends ListingSource {
    TarShardFiles(List<ListedFile> shards, boolean embeddings) {
        super(shards, embeddings);
    }

    @Override
    public String describe() {
        return rows() + " tar shards";
    }

    @Override
    public long expectedImages() {
        return -1;
    }

    @Override
    public RowBinding binding(ClassifierSettings settings, Broadcast<Map<String, String>> hadoopConf) {
        return new TarShardBinding(hadoopConf, settings.maxImageBytes(), settings.embeddings());
    }
}
