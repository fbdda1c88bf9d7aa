package org.sparkimage.job;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.sparkimage.core.ErrorCode;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.RowFailure;
import org.sparkimage.io.IoPool;
import org.sparkimage.io.ReadAheadIterator;

/**
 * A listed image file, read whole in the task: one image, or the reason it could not be read.
 * Files on a remote store are read ahead of the decoding ({@link ReadAhead}), in listing order.
 */
final class ListedFileBinding extends ListingBinding {
    private static final long serialVersionUID = 1L;

    private final ReadAhead readAhead;

    ListedFileBinding(Broadcast<Map<String, String>> hadoopConf, long maxFileBytes, boolean embeddings, ReadAhead readAhead) {
        super(hadoopConf, maxFileBytes, embeddings);
        this.readAhead = readAhead;
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        return List.of(read(ListedFile.of(row).ref())).iterator();
    }

    /**
     * The partition's files, read ahead when they are remote. The first file tells: a listing has
     * one root, and a manifest that mixes local and remote files is read ahead throughout.
     */
    @Override
    public Iterator<ImageInput> images(Iterator<Row> rows) {
        if (!readAhead.on() || !rows.hasNext()) return super.images(rows);
        Row head = rows.next();
        Iterator<Row> all = new Iterator<>() {
            private Row first = head;

            @Override
            public boolean hasNext() {
                return first != null || rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = first != null ? first : rows.next();
                first = null;
                return r;
            }
        };
        if (!readAhead.local() && FileFetcher.isLocal(ListedFile.of(head).path())) return super.images(all);
        ReadAheadIterator<Row, ImageInput> ahead = new ReadAheadIterator<>(all,
                r -> aheadBytes(ListedFile.of(r).length()), r -> read(ListedFile.of(r).ref()),
                (r, e) -> ImageInput.failed(null, ListedFile.of(r).ref(), ErrorCode.READ_ERROR, "cannot read file: " + e),
                IoPool.get(readAhead.threads()), readAhead.files(), readAhead.bytes());
        TaskContext task = TaskContext.get();
        if (task != null) task.addTaskCompletionListener((TaskCompletionListener) ctx -> ahead.close());
        return ahead;
    }

    /**
     * What a file counts against the bytes in flight: its size; none for one too large to be read;
     * an even share of the bound for one whose size a manifest did not give.
     */
    private long aheadBytes(long size) {
        if (size < 0) return readAhead.bytes() / readAhead.files();
        return size > maxFileBytes ? 0 : size;
    }

    /** One file's bytes, or its failure as a value. */
    private ImageInput read(ImageRef file) {
        try {
            return ImageInput.encoded(null, file, fetcher().read(file.path(), file.size()));
        } catch (RowFailure e) {
            return ImageInput.failed(null, file, e);
        }
    }
}
