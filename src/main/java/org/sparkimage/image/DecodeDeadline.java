package org.sparkimage.image;

import java.time.Duration;

/**
 * The time budget of one decode. Checked cooperatively at the points where a decoder pulls input
 * or reports progress ({@link BudgetedImageInputStream}, the reader's progress listener), so that
 * a CPU bomb such as a progressive JPEG with thousands of scans stops within a fraction of a
 * second of its budget instead of running to the end. Confined to the decoding thread.
 */
final class DecodeDeadline {
    private final long budgetNanos;
    private final long startNanos;
    private boolean tripped;

    private DecodeDeadline(long budgetNanos) {
        this.budgetNanos = budgetNanos;
        this.startNanos = System.nanoTime();
    }

    static DecodeDeadline start(Duration budget) {
        return new DecodeDeadline(budget.toNanos());
    }

    /** True once the budget is spent; remembers that it said so. */
    boolean expired() {
        if (!tripped && System.nanoTime() - startNanos > budgetNanos) tripped = true;
        return tripped;
    }

    /** Whether some check found the budget spent (the decode was stopped, or its result is void). */
    boolean tripped() {
        return tripped;
    }

    ImageDecodeException timeout(ImageFormat format) {
        return new ImageDecodeException(ImageError.TIMEOUT, String.format(
                "%s decoding stopped after %d ms: over the per-image budget of %d ms",
                format, (System.nanoTime() - startNanos) / 1_000_000, budgetNanos / 1_000_000));
    }
}
