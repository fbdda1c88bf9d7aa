package org.sparkimage.io;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Reads the next items of a sequence on an I/O pool while the caller works on the current one, and
 * hands the results out in input order. Two bounds hold at every moment: at most {@code maxItems}
 * items started and not yet handed out, and at most {@code maxBytes} of their declared sizes (a
 * result waiting to be taken still counts: its bytes are in memory). A single item larger than
 * {@code maxBytes} is still read, alone.
 *
 * <p>{@code read} must not throw for a failure that belongs to one item: it returns a value that
 * says so (the caller's error row). Anything it throws anyway reaches {@code onCrash}, which turns
 * it into that item's value, so that one item never fails the sequence.
 *
 * @param <T> an item to read (a listed file)
 * @param <R> what reading it gives (its bytes or its failure)
 */
public final class ReadAheadIterator<T, R> implements Iterator<R>, AutoCloseable {
    /**
     * What turns an exception thrown by {@code read} into the item's value.
     *
     * @param <T> the item
     * @param <R> its value
     */
    @FunctionalInterface
    public interface CrashHandler<T, R> {
        /** The value of {@code item} whose read threw {@code failure}. */
        R apply(T item, Throwable failure);
    }

    private record Pending<T, R>(T item, long bytes, Future<R> result) {}

    private final Iterator<T> source;
    private final ToLongFunction<T> size;
    private final Function<T, R> read;
    private final CrashHandler<T, R> onCrash;
    private final ExecutorService pool;
    private final int maxItems;
    private final long maxBytes;
    private final ArrayDeque<Pending<T, R>> pending = new ArrayDeque<>();
    private T next;
    private long bytesInFlight;

    /**
     * @param source   the items, in the order their results are wanted
     * @param size     bytes an item will hold once read (0 for one that will not be read)
     * @param read     reads one item on a pool thread
     * @param onCrash  the value of an item whose read threw
     * @param pool     where reads run (shared; this iterator never shuts it down)
     * @param maxItems items read ahead at most (at least 1)
     * @param maxBytes declared bytes read ahead at most
     */
    public ReadAheadIterator(Iterator<T> source, ToLongFunction<T> size, Function<T, R> read, CrashHandler<T, R> onCrash,
                             ExecutorService pool, int maxItems, long maxBytes) {
        if (maxItems < 1) throw new IllegalArgumentException("maxItems must be >= 1");
        this.source = source;
        this.size = size;
        this.read = read;
        this.onCrash = onCrash;
        this.pool = pool;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean hasNext() {
        fill();
        return !pending.isEmpty();
    }

    @Override
    public R next() {
        if (!hasNext()) throw new NoSuchElementException();
        Pending<T, R> head = pending.poll();
        R value;
        try {
            value = head.result().get();
        } catch (ExecutionException e) {
            value = onCrash.apply(head.item(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the task is being killed
            close();
            throw new IllegalStateException("interrupted while reading ahead", e);
        } finally {
            bytesInFlight -= head.bytes();
        }
        fill(); // the freed room goes to the next items before the caller starts on this one
        return value;
    }

    /** Starts reads until a bound is reached or the source is exhausted. */
    private void fill() {
        while (pending.size() < maxItems) {
            if (next == null) {
                if (!source.hasNext()) return;
                next = source.next();
            }
            long bytes = Math.max(0, size.applyAsLong(next));
            if (!pending.isEmpty() && bytesInFlight + bytes > maxBytes) return;
            T item = next;
            next = null;
            pending.add(new Pending<>(item, bytes, pool.submit(() -> read.apply(item))));
            bytesInFlight += bytes;
        }
    }

    /** Cancels the reads not yet handed out (the task ended early). */
    @Override
    public void close() {
        for (Pending<T, R> p : pending) p.result().cancel(true);
        pending.clear();
        bytesInFlight = 0;
    }
}
