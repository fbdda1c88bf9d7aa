package org.sparkimage.job;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;

import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One console line every few seconds: images done / total, rate, errors, ETA. Finished tasks are
 * counted by the accumulator itself; running tasks by the values their executors report with each
 * heartbeat, so long partitions show progress before they end.
 */
final class ProgressReporter extends SparkListener implements AutoCloseable {
    private final SparkContext sc;
    private final LongAccumulator processed;
    private final LongAccumulator errors;
    /** Images to label, or -1 when unknown (tar shards hold an unknown number). */
    private final long total;
    private final PrintStream out;
    private final long startNs = System.nanoTime();
    private final Map<Long, Long> runningProcessed = new ConcurrentHashMap<>();
    private final Map<Long, Long> runningErrors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    ProgressReporter(SparkContext sc, LongAccumulator processed, LongAccumulator errors, long total, int intervalSeconds,
                     PrintStream out) {
        this.sc = sc;
        this.processed = processed;
        this.errors = errors;
        this.total = total;
        this.out = out;
        sc.addSparkListener(this);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress-reporter");
            t.setDaemon(true);
            return t;
        });
        if (intervalSeconds > 0) timer.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t
                : CollectionConverters.asJava(update.accumUpdates())) {
            long taskId = (Long) t._1();
            for (AccumulableInfo info : CollectionConverters.asJava(t._4())) {
                if (info.update().isEmpty()) continue;
                Object v = info.update().get();
                if (!(v instanceof Long value)) continue;
                if (info.id() == processed.id()) runningProcessed.put(taskId, value);
                if (info.id() == errors.id()) runningErrors.put(taskId, value);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        runningProcessed.remove(end.taskInfo().taskId());
        runningErrors.remove(end.taskInfo().taskId());
    }

    /** Images done so far (finished tasks exactly, running ones as of their last heartbeat). */
    long done() {
        long running = runningProcessed.values().stream().mapToLong(Long::longValue).sum();
        long sum = processed.value() + running;
        return total < 0 ? sum : Math.min(total, sum);
    }

    void report() {
        long done = done();
        long errs = errors.value() + runningErrors.values().stream().mapToLong(Long::longValue).sum();
        double secs = (System.nanoTime() - startNs) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        if (total < 0) { // tar shards: images are counted as their members are read
            out.printf(Locale.ROOT, "progress: %d images, %.1f images/s, %d errors%n", done, rate, errs);
            return;
        }
        String eta = rate > 0 && done < total ? formatDuration((total - done) / rate) : "-";
        out.printf(Locale.ROOT, "progress: %d/%d images (%.0f%%), %.1f images/s, %d errors, ETA %s%n",
                done, total, total > 0 ? 100.0 * done / total : 100.0, rate, errs, eta);
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        sc.removeSparkListener(this);
    }
}
