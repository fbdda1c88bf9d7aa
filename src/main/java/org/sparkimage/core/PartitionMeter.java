package org.sparkimage.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * What one partition task counted and timed, turned into its {@link PartitionStats} at the end.
 * Everything but {@link #inferenceNs} is touched by the task's thread only.
 */
final class PartitionMeter {
    private final long startNs = System.nanoTime();
    private long images;
    private long errors;
    private long bytesRead;
    private final Map<String, Long> errorCodes = new HashMap<>();
    private final Map<String, Long> labels = new HashMap<>();
    long readNs;
    long decodeNs;
    long waitNs;
    /** Added to by the inference thread. */
    final AtomicLong inferenceNs = new AtomicLong();

    void bytesRead(long n) {
        bytesRead += n;
    }

    /** Counts one emitted row. */
    void row(ClassificationResult r) {
        images++;
        if (r.isError()) {
            errors++;
            errorCodes.merge(r.errorCode().name(), 1L, Long::sum);
        } else {
            labels.merge(r.label(), 1L, Long::sum);
        }
    }

    long images() {
        return images;
    }

    /** The task's stats; the write time is what is left of the task's time. */
    PartitionStats stats(PartitionStats.Engine engine) {
        long taskNs = System.nanoTime() - startNs;
        TaskContext task = TaskContext.get();
        String executor = SparkEnv.get() != null ? SparkEnv.get().executorId() : "driver";
        // CONTAINER_ID: set by YARN's NodeManager in every container, absent elsewhere.
        return new PartitionStats(
                new PartitionStats.Task(task != null ? task.partitionId() : -1, task != null ? task.attemptNumber() : 0,
                        executor, hostName(), System.getenv("CONTAINER_ID")),
                new PartitionStats.Counts(images, errors, bytesRead, errorCodes, labels),
                new PartitionStats.Nanos(readNs, decodeNs, inferenceNs.get(), waitNs,
                        Math.max(0, taskNs - readNs - decodeNs - waitNs), taskNs),
                engine);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
