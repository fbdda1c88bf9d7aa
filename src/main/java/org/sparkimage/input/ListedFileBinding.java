package org.sparkimage.input;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.sparkimage.core.ErrorCode;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.RowFailure;
import org.sparkimage.setup.ReadAhead;

/**
 * A listed image file, read whole in the task: one image, or the reason it could not be read.
 * Files are read ahead of the decoding ({@link ReadAhead}) and handed out in listing order.
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

    /** The partition's files, read ahead of the decoding on the executor's I/O pool. */
    @Override
    public Iterator<ImageInput> images(Iterator<Row> rows) {
        if (!readAhead.on()) return super.images(rows);
        return TaskReadAhead.images(rows, row -> ListedFile.of(row).ref(), f -> aheadBytes(f.size()), this::read,
                (f, e) -> ImageInput.failed(null, f, ErrorCode.READ_ERROR, "cannot read file: " + e), readAhead);
    }

    /**
     * What a file counts against the bytes in flight: its size; none for one too large to be read;
     * an even share of the bound for one whose size a manifest did not give.
     */
    private long aheadBytes(long size) {
        if (size < 0) return readAhead.unknownSizeShare();
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
