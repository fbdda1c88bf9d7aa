package org.sparkimage.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The benchmark's options that depend on each other, resolved and checked in one place: whether
 * the master is local, where the ceilings are measured, the executor counts of the scaling curve
 * and the jar shipped to executors.
 *
 * @param local         a {@code local}/{@code local[N]} master: one JVM is driver and executor
 * @param ceilingsOn    {@link CeilingSite#DRIVER} or {@link CeilingSite#EXECUTORS}
 * @param executors     the scaling curve's executor counts, ascending (empty for a local master)
 * @param executorCores cores of each executor (cluster masters)
 * @param executorWait  how long a point waits for its executors
 * @param jobJar        the jar shipped as {@code spark.jars} (null for a local master)
 * @param conf          extra Spark settings of every application
 */
record BenchPlan(boolean local, String ceilingsOn, List<Integer> executors, int executorCores, Duration executorWait, Path jobJar,
                 Map<String, String> conf) {

    /**
     * Resolves the options.
     *
     * @param ceilingsOn null for the master's default: the driver for local masters, else the executors
     * @param executors  null or empty for the default, one executor (cluster masters only)
     * @param jobJar     null for the one beside the running classes
     * @throws IllegalArgumentException on options that do not go together (a usage error)
     * @throws IOException              when a cluster master has no job jar to ship
     */
    static BenchPlan resolve(String master, String ceilingsOn, List<Integer> executors, int executorCores, double executorWaitSeconds,
                             Path jobJar, int soakImages, Map<String, String> conf) throws IOException {
        boolean local = isLocal(master);
        String site = ceilingsOn != null ? ceilingsOn : local ? CeilingSite.DRIVER : CeilingSite.EXECUTORS;
        if (!site.equals(CeilingSite.DRIVER) && !site.equals(CeilingSite.EXECUTORS)) {
            throw new IllegalArgumentException("--ceilings-on must be driver or executors, got " + ceilingsOn);
        }
        boolean asked = executors != null && !executors.isEmpty();
        if (local && asked) {
            throw new IllegalArgumentException("--executors needs a cluster master (spark://..., yarn, k8s://...); " + master
                    + " runs everything in this JVM");
        }
        if (!local && soakImages > 0) {
            throw new IllegalArgumentException("--soak-images samples this JVM's memory, which is the executor's only with a local master");
        }
        if (executorCores < 1) throw new IllegalArgumentException("--executor-cores must be at least 1");
        List<Integer> counts = new ArrayList<>(new TreeSet<>(asked ? executors : List.of(1)));
        if (counts.get(0) < 1) throw new IllegalArgumentException("--executors must be at least 1, got " + executors);
        if (executorWaitSeconds <= 0) throw new IllegalArgumentException("--executor-wait must be positive");
        return new BenchPlan(local, site, local ? List.of() : List.copyOf(counts), executorCores,
                Duration.ofMillis((long) (executorWaitSeconds * 1000)), local ? null : JobJar.locate(jobJar), Map.copyOf(conf));
    }

    /** Spark's in-process masters ({@code local-cluster} starts executor JVMs: a cluster here). */
    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /**
     * The order the points are measured in: most executors first, so that a cluster too small for
     * the largest point is found out in its first minute, not after the smaller points' rounds.
     */
    List<Integer> measuringOrder() {
        List<Integer> order = new ArrayList<>(executors);
        order.sort(Comparator.reverseOrder());
        return order;
    }
}
