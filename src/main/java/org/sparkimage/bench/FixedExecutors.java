package org.sparkimage.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.setup.TableFormat;

/**
 * A Spark application holding a fixed number of executors of a fixed size, for one point of the
 * scaling curve: {@code spark.executor.cores} = k, and n executors through {@code spark.cores.max}
 * = n·k (standalone) and {@code spark.executor.instances} = n (YARN, Kubernetes), with dynamic
 * allocation off. Nothing is measured until all n have registered; a cluster that cannot give them
 * within the wait is a {@link Shortage}, not a smaller measurement under the asked-for label.
 */
final class FixedExecutors implements AutoCloseable {
    /** The cluster did not give the asked-for executors in time. */
    static final class Shortage extends Exception {
        private static final long serialVersionUID = 1L;

        Shortage(String message) {
            super(message);
        }
    }

    private final SparkSession spark;
    private final int executors;
    private final int slotsEach;

    private FixedExecutors(SparkSession spark, int executors, int slotsEach) {
        this.spark = spark;
        this.executors = executors;
        this.slotsEach = slotsEach;
    }

    /**
     * Starts an application on {@code master} and waits for its executors.
     *
     * @param jobJar the jar executors load the project's classes from
     * @param extra  settings given with {@code --conf} (they win over everything but the executor count and size)
     * @throws Shortage when fewer than {@code executors} registered within {@code wait} (the application is stopped)
     */
    static FixedExecutors start(String master, int executors, int coresEach, Path jobJar, Map<String, String> extra, Duration wait,
                                PrintStream log) throws Shortage, InterruptedException {
        scala.Option<SparkSession> active = SparkSession.getActiveSession();
        if (active.isDefined() && !active.get().sparkContext().isStopped()) {
            throw new IllegalStateException("a Spark session is already running; a cluster benchmark starts its own per point");
        }
        SparkConf conf = SparkSessions.conf("bench-" + executors + "x" + coresEach, master, extra, TableFormat.PARQUET);
        // spark-submit already set spark.jars to the jar it runs from; run_main did not
        if (conf.get("spark.jars", "").isBlank()) conf.set("spark.jars", jobJar.toString());
        conf.set("spark.executor.cores", "" + coresEach);
        conf.set("spark.cores.max", "" + executors * coresEach);
        conf.set("spark.executor.instances", "" + executors);
        conf.set("spark.dynamicAllocation.enabled", "false");
        // SparkContext's start waits (up to the wait) until they all registered.
        conf.set("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        conf.set("spark.scheduler.maxRegisteredResourcesWaitingTime", wait.toMillis() + "ms");
        log.printf("starting an application with %d executor(s) of %d core(s) on %s (waiting up to %d s for them)%n", executors,
                coresEach, master, wait.toSeconds());
        long deadline = System.nanoTime() + wait.toNanos();
        SparkSession spark = SparkSessions.start(conf);
        int registered = registered(spark);
        // The status store follows registrations through the listener bus: poll for what is left of the wait.
        while (registered < executors && System.nanoTime() < deadline) {
            Thread.sleep(200);
            registered = registered(spark);
        }
        if (registered < executors) {
            spark.stop();
            throw new Shortage(String.format("asked for %d executor(s) of %d core(s) (spark.cores.max=%d, spark.executor.instances=%d);"
                            + " the cluster gave %d within %d s. On a standalone cluster the workers' free cores limit it, on YARN"
                            + " the queue's capacity: ask for fewer (--executors) or smaller ones (--executor-cores), or wait longer"
                            + " (--executor-wait). Nothing was written.", executors, coresEach, executors * coresEach, executors,
                    registered, wait.toSeconds()));
        }
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        return new FixedExecutors(spark, executors, Math.max(1, coresEach / taskCpus));
    }

    /** Executors registered now (the status store lists the driver too). */
    private static int registered(SparkSession spark) {
        return Math.max(0, spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
    }

    SparkSession spark() {
        return spark;
    }

    int executors() {
        return executors;
    }

    /** Task slots per executor: its cores / {@code spark.task.cpus}. */
    int slotsEach() {
        return slotsEach;
    }

    @Override
    public void close() {
        spark.stop();
    }
}
