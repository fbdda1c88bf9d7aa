package org.sparkimage.core;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

import org.apache.spark.sql.Row;

/**
 * The seam between the one partition function ({@link PartitionClassifier}) and its callers: which
 * images an input row holds, and what the output row for each of them looks like. The CLI binds
 * listed files or table cells to {@code <output>/predictions} rows; the ML transformer binds a
 * column and appends the result to the input row.
 *
 * <p>Instances are serialised into every task; per-task state (an open file system) belongs in
 * transient fields created on first use.
 */
public interface RowBinding extends Serializable {
    /**
     * The images of one input row, read as the iterator advances (the partition function times
     * {@code next()} as reading): one for a file or a cell, several for an archive. A failure to
     * read is an {@link ImageInput#failed} element, never an exception.
     */
    Iterator<ImageInput> images(Row row);

    /**
     * The images of a partition's rows, in row order: by default {@link #images(Row)} of each row
     * in turn, read as the iterator advances. A binding may read ahead (listed files on an object
     * store) as long as it keeps the order and gives each row its images or its failure.
     */
    default Iterator<ImageInput> images(Iterator<Row> rows) {
        return new Iterator<>() {
            private Iterator<ImageInput> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && rows.hasNext()) current = images(rows.next());
                return current.hasNext();
            }

            @Override
            public ImageInput next() {
                if (!hasNext()) throw new NoSuchElementException();
                return current.next();
            }
        };
    }

    /**
     * The output row of one image.
     *
     * @param input the {@link ImageInput#row()} the image came with (null when the binding keeps none)
     */
    Row output(Row input, ImageRef ref, ClassificationResult result);
}
