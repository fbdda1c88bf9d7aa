package org.sparkimage.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent MLlib fits a few at a time from the driver, as {@code CrossValidator.setParallelism}
 * does: a fit on a small table is one task per L-BFGS iteration, one core, so several side by side
 * keep a cluster busy. Each fit is deterministic and writes its own result slot, so the outcome does
 * not depend on the order they finish in.
 */
public final class ParallelFits {
    private ParallelFits() {}

    /**
     * Runs every fit, {@code parallelism} at a time, and returns when all are done.
     *
     * @param name the worker threads' name (thread dumps)
     * @throws RuntimeException the first fit's failure, as it was thrown
     */
    public static void run(int parallelism, String name, List<Runnable> fits) {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Runnable fit : fits) running.add(pool.submit(fit));
            for (Future<?> f : running) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
