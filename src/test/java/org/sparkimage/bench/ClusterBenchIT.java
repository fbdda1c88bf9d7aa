package org.sparkimage.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.ForkedProcess;
import org.sparkimage.testing.LocalCluster;
import org.sparkimage.testing.TestJson;

/**
 * {@code scripts/bench.sh} against a real standalone cluster ({@code scripts/cluster.sh}: two
 * workers of one core, each executor its own JVM), tiny: the project's classes reach the executors
 * in the job jar, C and D are measured inside tasks on each executor and reported per executor
 * beside E, one application per point of the scaling curve, and a settings sweep with the largest
 * point's executors; asking for more executors than the cluster has, or more threads per task (or
 * threads x tasks per executor) than an executor has cores, ends with exit 2 and no report.
 */
class ClusterBenchIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    static Path tmp;
    static LocalCluster cluster;
    static Path corpus;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(ForkedProcess.repoRoot().resolve("target/it-bench-cluster"), 2);
        corpus = CorpusMaker.make(ForkedProcess.repoRoot().resolve("samples"), CorpusMaker.Kind.IMAGENET, 8, tmp.resolve("imagenet-8"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) cluster.close();
    }

    @Test
    void measuresTheCeilingsOnEachExecutorAndTheScalingCurve() throws Exception {
        Path out = tmp.resolve("bench");
        try (ForkedProcess bench = bench("curve", "--output", out.toString(), "--executors", "1,2", "--sweep", "batch=4,8")) {
            assertEquals(0, bench.waitFor(RUN_TIMEOUT), bench.output());
        }
        Map<?, ?> json = (Map<?, ?>) TestJson.parse(Files.readString(out.resolve("bench.json")));
        assertEquals("executors", json.get("ceilings_measured_on"));
        List<?> points = (List<?>) json.get("points");
        assertEquals(2, points.size());
        for (Object p : points) {
            Map<?, ?> point = (Map<?, ?>) p;
            int n = ((Double) point.get("executors")).intValue();
            Map<?, ?> figures = (Map<?, ?>) ((Map<?, ?>) point.get("corpora")).get("imagenet-8");
            List<?> executors = (List<?>) figures.get("executors");
            assertEquals(n, executors.size(), "one entry per executor of the point: " + executors);
            Set<Object> ids = new HashSet<>();
            double c = 0;
            double d = 0;
            double images = 0;
            for (Object e : executors) {
                Map<?, ?> x = (Map<?, ?>) e;
                ids.add(x.get("id"));
                assertEquals("127.0.0.1", x.get("host"));
                assertEquals(1.0, x.get("task_slots"), "one-core executors: one task each");
                assertFalse("driver".equals(x.get("id")), "measured in an executor JVM, not the driver");
                c += (Double) x.get("C");
                d += (Double) x.get("D");
                images += (Double) x.get("E_images");
            }
            assertEquals(n, ids.size(), "distinct executors");
            assertEquals((Double) figures.get("C"), c, 0.01 * c, "the executors' C add up to the point's");
            assertEquals((Double) figures.get("D"), d, 0.01 * d);
            assertEquals(8.0, images, "E's images, by the executor that labelled them");
            assertTrue((Double) figures.get("E") > 0, figures.toString());
        }
        List<?> curve = (List<?>) ((Map<?, ?>) json.get("scaling")).get("imagenet-8");
        assertEquals(2, curve.size());
        Map<?, ?> one = (Map<?, ?>) curve.get(0);
        Map<?, ?> two = (Map<?, ?>) curve.get(1);
        assertEquals(1.0, one.get("executors"));
        assertEquals(1.0, (Double) one.get("efficiency"), 1e-9);
        assertEquals((Double) two.get("E") / (2 * (Double) one.get("E")), (Double) two.get("efficiency"), 1e-3);
        assertEquals(2, ((List<?>) two.get("efficiency_range")).size());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Scaling") && html.contains("perfect scaling"), "the curve is drawn");
        assertTrue(html.contains("inside Spark tasks on the executors"), "the report says where the ceilings were measured");

        // The sweep ran on the cluster, with the largest point's two executors.
        Map<?, ?> sweep = (Map<?, ?>) json.get("sweep");
        List<?> settings = (List<?>) sweep.get("settings");
        assertEquals(2, settings.size());
        for (Object o : settings) {
            Map<?, ?> st = (Map<?, ?>) o;
            assertEquals(1, ((List<?>) st.get("E_rounds")).size(), st.toString());
            assertTrue((Double) st.get("E_median") > 0, st.toString());
            assertEquals(2.0, st.get("task_slots"), "two executors of one one-thread task each: " + st);
        }
        assertTrue(((String) ((Map<?, ?>) sweep.get("recommendation")).get("text")).contains("batch="), sweep.toString());
        assertTrue(html.contains("Settings sweep"), "sweep table in the report");
        String log = Files.readString(tmp.resolve("curve.log"));
        assertEquals(2, log.split("starting an application with 2 executor\\(s\\) of 1 core\\(s\\)", -1).length - 1,
                "the two-executor point's application, then the sweep's own: " + log);
    }

    /** Threads per task, or threads x tasks per executor, beyond --executor-cores: exit 2 before any application starts. */
    @Test
    void aSweepAskingMoreCoresThanAnExecutorHasIsRefused() throws Exception {
        String[][] asked = {{"threads=1,2", "--sweep threads=2 needs executors of at least 2 cores"},
                {"tasks=1,2", "--sweep threads=1 tasks=2 needs executors of at least 2 cores"}};
        for (String[] a : asked) {
            Path out = tmp.resolve(a[0].replace('=', '-').replace(',', '-'));
            try (ForkedProcess bench = bench(out.getFileName().toString(), "--output", out.toString(), "--sweep", a[0])) {
                assertEquals(2, bench.waitFor(RUN_TIMEOUT), bench.output());
                assertTrue(bench.output().contains(a[1]), bench.output());
            }
            assertFalse(Files.exists(out.resolve("bench.json")), "no report");
        }
    }

    @Test
    void moreExecutorsThanTheClusterHasEndsWithExit2AndNoReport() throws Exception {
        Path out = tmp.resolve("too-many");
        try (ForkedProcess bench = bench("too-many", "--output", out.toString(), "--executors", "1,3", "--executor-wait", "8")) {
            assertEquals(2, bench.waitFor(RUN_TIMEOUT), bench.output());
            assertTrue(bench.output().contains("asked for 3 executor(s)") && bench.output().contains("the cluster gave 2"), bench.output());
        }
        assertFalse(Files.exists(out.resolve("bench.json")), "no half report");
        assertFalse(Files.exists(out.resolve("report.html")), "no half report");
    }

    private static ForkedProcess bench(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("scripts/bench.sh", "--master", cluster.masterUrl(), "--corpus", corpus.toString(),
                "--rounds", "1", "--min-seconds", "0.2", "--imageio-sample", "2",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g"));
        cmd.addAll(List.of(args));
        return ForkedProcess.start(tmp.resolve(name + ".log"), cmd, Map.of("DRIVER_MEMORY", "1g"));
    }
}
