package org.sparkimage.image;

import java.util.concurrent.CancellationException;

/**
 * Heap that concurrent decodes in one JVM may hold at once. Every task on a Spark executor decodes
 * in the same heap, so a per-image pixel limit alone does not bound memory: four tasks each
 * decoding a legal 48 MP photo need ~1.5 GB together. Each decode reserves its estimated peak
 * before allocating pixels and waits while others hold the budget; one image that could never fit
 * is TOO_LARGE at once. Thread-safe.
 */
public final class DecodeMemoryBudget {
    /** Share of the maximum heap that decodes may hold; the rest is Spark's, the batches' and the files'. */
    public static final double HEAP_SHARE = 0.5;
    private static final DecodeMemoryBudget JVM = new DecodeMemoryBudget((long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));

    private final long capacity;
    private long reserved;

    /** @param capacityBytes what all decodes together may hold */
    public DecodeMemoryBudget(long capacityBytes) {
        if (capacityBytes < 1) throw new IllegalArgumentException("capacity must be positive, got " + capacityBytes);
        this.capacity = capacityBytes;
    }

    /** The budget every decoder in this JVM shares: {@link #HEAP_SHARE} of the maximum heap. */
    public static DecodeMemoryBudget jvmShared() {
        return JVM;
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved right now (for tests and monitoring). */
    public synchronized long reserved() {
        return reserved;
    }

    /** A reservation, returned with {@link #close()}. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private boolean closed;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            synchronized (DecodeMemoryBudget.this) {
                if (closed) return;
                closed = true;
                reserved -= bytes;
                DecodeMemoryBudget.this.notifyAll();
            }
        }
    }

    /**
     * Blocks until {@code bytes} fit next to the other reservations.
     *
     * @param what names the image in the message, e.g. "JPEG 8000x6000"
     * @throws ImageDecodeException TOO_LARGE if {@code bytes} exceed the whole budget; INTERNAL
     *                              if the thread is interrupted while waiting (the task is being killed)
     */
    public Reservation reserve(long bytes, String what) throws ImageDecodeException {
        if (bytes > capacity) {
            throw new ImageDecodeException(ImageError.TOO_LARGE, String.format(
                    "%s needs about %d MB of heap to decode, more than the %d MB this JVM allows for decoding"
                            + " (%.0f%% of its heap); give executors more memory or lower the pixel limit",
                    what, mb(bytes), mb(capacity), HEAP_SHARE * 100));
        }
        synchronized (this) {
            try {
                while (reserved + bytes > capacity) wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for decode memory"); // the task is being killed
            }
            reserved += bytes;
            return new Reservation(bytes);
        }
    }

    private static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
