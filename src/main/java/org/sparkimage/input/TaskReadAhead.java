package org.sparkimage.input;

import java.util.Iterator;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.sparkimage.core.ImageInput;
import org.sparkimage.io.IoPool;
import org.sparkimage.io.ReadAheadIterator;
import org.sparkimage.setup.ReadAhead;

/**
 * A partition's images read ahead of its decoding on the executor's I/O pool ({@link ReadAheadIterator}),
 * in row order, for the bindings that read files in the task (listed files, table cells that name a
 * file). The reads stop with the task.
 */
final class TaskReadAhead {
    private TaskReadAhead() {}

    /**
     * @param rows      the partition's input rows
     * @param item      what of a row the read needs, made on the task thread: only that reaches the pool
     * @param size      bytes an item will hold once read, counted against the read-ahead bound
     * @param read      reads one item on a pool thread; a failure is an {@link ImageInput#failed} value
     * @param onCrash   the value of an item whose read threw anyway
     * @param readAhead how far to read ahead (on)
     */
    static <T> Iterator<ImageInput> images(Iterator<Row> rows, Function<Row, T> item, ToLongFunction<T> size,
                                           Function<T, ImageInput> read, ReadAheadIterator.CrashHandler<T, ImageInput> onCrash,
                                           ReadAhead readAhead) {
        Iterator<T> items = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public T next() {
                return item.apply(rows.next());
            }
        };
        ReadAheadIterator<T, ImageInput> ahead = new ReadAheadIterator<>(items, size, read, onCrash,
                IoPool.get(readAhead.threads()), readAhead.files(), readAhead.bytes());
        TaskContext task = TaskContext.get();
        if (task != null) task.addTaskCompletionListener((TaskCompletionListener) ctx -> ahead.close());
        return ahead;
    }
}
