package org.sparkimage.input;

import java.util.List;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.RowBinding;
import org.sparkimage.setup.ReadAhead;

/** Listed image files: one output row each ({@link ListedFileBinding}). */
final class LooseFiles extends ListingSource {
    private final ReadAhead readAhead;

    LooseFiles(List<ListedFile> files, boolean embeddings, ReadAhead readAhead) {
        super(files, embeddings);
        this.readAhead = readAhead;
    }

    @Override
    public String describe() {
        return rows() + " files";
    }

    @Override
    public long expectedImages() {
        return rows();
    }

    @Override
    public RowBinding binding(ClassifierSettings settings, Broadcast<Map<String, String>> hadoopConf) {
        return new ListedFileBinding(hadoopConf, settings.maxImageBytes(), settings.embeddings(), readAhead);
    }
}
