package org.sparkimage.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Read-ahead on a real thread pool: input order kept, both bounds held, a crash is one item's value. */
class ReadAheadIteratorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void resultsComeInInputOrderWithinTheFileAndByteBounds() {
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicLong bytesStarted = new AtomicLong();
        AtomicLong bytesConsumed = new AtomicLong();
        AtomicInteger mostItems = new AtomicInteger();
        AtomicLong mostBytes = new AtomicLong();
        ReadAheadIterator<Integer, String> it = new ReadAheadIterator<>(items.iterator(), ReadAheadIteratorTest::size, i -> {
            mostItems.accumulateAndGet(started.incrementAndGet() - consumed.get(), Math::max);
            mostBytes.accumulateAndGet(bytesStarted.addAndGet(size(i)) - bytesConsumed.get(), Math::max);
            sleep((i * 7) % 5); // reads finish out of order
            return "item " + i;
        }, (i, e) -> "crash " + i, pool, 6, 1000);
        List<String> out = new ArrayList<>();
        while (it.hasNext()) {
            String s = it.next();
            int i = Integer.parseInt(s.substring(5));
            consumed.incrementAndGet();
            bytesConsumed.addAndGet(size(i));
            out.add(s);
        }
        assertEquals(items.stream().map(i -> "item " + i).toList(), out);
        assertTrue(mostItems.get() <= 6 + 1, "items in flight: " + mostItems.get()); // +1: the refill runs before the caller counts
        assertTrue(mostItems.get() >= 3, "it did read ahead: " + mostItems.get());
        assertTrue(mostBytes.get() <= 1000 + 400, "bytes in flight: " + mostBytes.get());
    }

    @Test
    void anItemLargerThanTheByteBoundIsReadAlone() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ReadAheadIterator<Integer, Integer> it = new ReadAheadIterator<>(List.of(1, 2, 3, 4).iterator(), i -> 5000, i -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            sleep(5);
            inFlight.decrementAndGet();
            return i;
        }, (i, e) -> -i, pool, 4, 1000);
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        assertEquals(List.of(1, 2, 3, 4), out);
        assertEquals(1, most.get());
    }

    @Test
    void aReadThatThrowsBecomesItsOwnValue() {
        ReadAheadIterator<Integer, String> it = new ReadAheadIterator<>(List.of(1, 2, 3).iterator(), i -> 1, i -> {
            if (i == 2) throw new IllegalStateException("boom");
            return "ok " + i;
        }, (i, e) -> "failed " + i + ": " + e.getMessage(), pool, 3, 100);
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        assertEquals(List.of("ok 1", "failed 2: boom", "ok 3"), out);
    }

    private static long size(int i) {
        return 100 + (i % 4) * 100; // 100..400 bytes
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
