package org.sparkimage.testing;

import java.lang.management.ManagementFactory;

/**
 * The memory half of the fuzz tests' invariant: a parser may allocate in proportion to the bytes it
 * is given, never in proportion to a size those bytes declare. Measured as the bytes the calling
 * thread allocated (HotSpot's per-thread allocation counter), so it is exact per input and needs
 * no heap limit; the time half is the per-input {@code @Timeout} of each fuzz test.
 */
public final class FuzzBounds {
    /** Per-input time bound of every fuzz test (JUnit {@code @Timeout}, libFuzzer {@code -timeout}). */
    public static final int TIMEOUT_SECONDS = 10;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    private FuzzBounds() {
    }

    /** Bytes allocated so far by the current thread. */
    public static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** One fuzz input's work, with its assertions. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} and fails when it allocates more than {@code fixed + perInputByte *
     * inputLength} bytes on this thread. An over-budget run is measured once more before failing:
     * the first call of a parser also pays for loading and initialising its classes, the parsers
     * themselves are deterministic.
     */
    public static void run(int inputLength, long fixed, long perInputByte, String what, Body body) throws Exception {
        long bound = fixed + perInputByte * inputLength;
        long used = measure(body);
        if (used > bound) used = measure(body);
        if (used > bound) {
            throw new AssertionError(what + " allocated " + used + " bytes for a " + inputLength
                    + "-byte input, over the bound of " + bound + " bytes (" + fixed + " + " + perInputByte
                    + " per input byte): an allocation sized by a declared length rather than by the data?");
        }
    }

    private static long measure(Body body) throws Exception {
        long before = allocated();
        body.run();
        return allocated() - before;
    }
}
