package org.sparkimage.io;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor JVM's one pool of I/O threads for read-ahead, shared by all its tasks: reads wait
 * on the network, not on a core, so the pool is sized by requests in flight, not by cores. Threads
 * are daemons and die after a minute idle.
 */
public final class IoPool {
    private static ThreadPoolExecutor pool;

    private IoPool() {
    }

    /** The shared pool, grown to at least {@code threads} threads. */
    public static synchronized ExecutorService get(int threads) {
        if (pool == null) {
            AtomicInteger n = new AtomicInteger();
            pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "image-read-ahead-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
        } else if (pool.getMaximumPoolSize() < threads) {
            pool.setMaximumPoolSize(threads);
            pool.setCorePoolSize(threads);
        }
        return pool;
    }
}
