package org.sparkimage.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.spark.sql.SparkSession;

/**
 * The sweep's Spark applications on a cluster master: one per {@link SweepGrid.App}, threads per
 * task ({@code spark.task.cpus}, which the job hands ONNX Runtime as intra-op threads) and tasks per
 * executor (executors of threads x tasks cores), each with the scaling curve's largest point of
 * executors, so that the sweep measures the setting the whole cluster would run. A new shape stops
 * the previous application first: a standalone cluster sized for one point has no cores for a second.
 */
final class ClusterSweepApps implements Function<SweepGrid.App, SparkSession>, AutoCloseable {
    /** The cluster did not give the executors for a sweep application in time. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(FixedExecutors.Shortage cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final String master;
    private final BenchPlan plan;
    private final int executors;
    private final PrintStream log;
    private FixedExecutors app;
    private SweepGrid.App shape;

    ClusterSweepApps(String master, BenchPlan plan, int executors, PrintStream log) {
        this.master = master;
        this.plan = plan;
        this.executors = executors;
        this.log = log;
    }

    @Override
    public SparkSession apply(SweepGrid.App wanted) {
        if (app != null && wanted.equals(shape)) return app.spark();
        close();
        Map<String, String> conf = new LinkedHashMap<>(plan.conf());
        conf.put("spark.task.cpus", String.valueOf(wanted.threads()));
        try {
            app = FixedExecutors.start(master, executors, wanted.cores(), plan.jobJar(), conf, plan.executorWait(), log);
        } catch (FixedExecutors.Shortage e) {
            throw new Refused(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for executors", e);
        }
        shape = wanted;
        return app.spark();
    }

    /** The application now running (the last shape's), or null before the first. */
    SparkSession current() {
        return app == null ? null : app.spark();
    }

    @Override
    public void close() {
        if (app != null) app.close();
        app = null;
    }
}
