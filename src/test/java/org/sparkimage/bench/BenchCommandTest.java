package org.sparkimage.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.testing.ForkedJvm;
import org.sparkimage.testing.TestJson;

/**
 * The benchmark job end to end on a tiny corpus (real Spark, ONNX Runtime, decoders): it measures
 * every figure, writes bench.json with the documented keys, readable Parquet tables and an HTML
 * report with its plots. Only the plumbing is checked here; the figures mean something only on
 * real corpora (docs/throughput.md).
 */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void corporaAreReproducible() throws Exception {
        Path a = CorpusMaker.make(Path.of("samples"), CorpusMaker.Kind.IMAGENET, 5, tmp.resolve("a"));
        Path b = CorpusMaker.make(Path.of("samples"), CorpusMaker.Kind.IMAGENET, 5, tmp.resolve("b"));
        List<Path> filesA = list(a);
        List<Path> filesB = list(b);
        assertEquals(5, filesA.size());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(Files.readAllBytes(filesA.get(i)), Files.readAllBytes(filesB.get(i)), filesA.get(i).toString());
        }
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(filesA.get(0).toFile());
        assertEquals(500, img.getWidth());
        assertEquals(375, img.getHeight());
    }

    @Test
    void measuresEveryFigureAndWritesTheReport() throws Exception {
        TestSpark.session(); // the command uses the running session and leaves it running
        Path corpus = CorpusMaker.make(Path.of("samples"), CorpusMaker.Kind.IMAGENET, 12, tmp.resolve("imagenet-12"));
        Path out = tmp.resolve("bench");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = BenchCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--output", out.toString(),
                "--corpus", corpus.toString(), "--master", "local[2]", "--min-seconds", "0.3", "--imageio-sample", "4",
                "--soak-images", "40", "--rounds", "2");
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));

        Map<?, ?> bench = (Map<?, ?>) TestJson.parse(Files.readString(out.resolve("bench.json")));
        assertEquals("driver", bench.get("ceilings_measured_on"), "a local master measures C and D in its one JVM");
        Map<?, ?> figures = (Map<?, ?>) ((Map<?, ?>) bench.get("corpora")).get("imagenet-12");
        assertFalse(figures.containsKey("executors"), "no executor figures when measured in the driver");
        for (String key : new String[] {"C", "D", "E", "H", "E_over_H", "D_imageio"}) {
            assertTrue(figures.get(key) instanceof Double d && d > 0, key + " = " + figures.get(key));
        }
        double c = (Double) figures.get("C");
        double d = (Double) figures.get("D");
        assertEquals(1 / (1 / c + 1 / d), (Double) figures.get("H"), 0.01 * (Double) figures.get("H"));
        assertEquals(12.0, (Double) figures.get("images"));
        List<?> rounds = (List<?>) ((Map<?, ?>) figures.get("rounds")).get("E");
        assertEquals(2, rounds.size());
        assertEquals(Math.max((Double) rounds.get(0), (Double) rounds.get(1)), (Double) figures.get("E"), 1e-3, "E is the best round");
        assertTrue(((Map<?, ?>) bench.get("soak")).get("images") instanceof Double n && n == 40);

        List<Row> results = TestSpark.session().read().parquet(out.resolve("results").toString()).collectAsList();
        assertEquals(1, results.size());
        long latencies = TestSpark.session().read().parquet(out.resolve("latency").toString()).count();
        assertTrue(latencies >= 12, "latency rows: " + latencies);
        assertTrue(TestSpark.session().read().parquet(out.resolve("memory").toString()).count() > 0);

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("imagenet-12"));
        assertTrue(html.split("<svg").length - 1 >= 5, "plots in the report");
        assertTrue(html.contains("per task") && html.contains("latency") && html.contains("Memory"));
    }

    /**
     * The executor path (one barrier task per task slot, timed from a common start) in local mode,
     * where the one executor is the driver JVM with its two slots: the figures come back per
     * executor and add up to the run's.
     */
    @Test
    void measuresTheCeilingsInsideSparkTasksWhenAsked() throws Exception {
        TestSpark.session();
        Path corpus = CorpusMaker.make(Path.of("samples"), CorpusMaker.Kind.IMAGENET, 6, tmp.resolve("imagenet-6"));
        Path out = tmp.resolve("bench-executors");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = BenchCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--output", out.toString(),
                "--corpus", corpus.toString(), "--master", "local[2]", "--min-seconds", "0.2", "--imageio-sample", "2",
                "--rounds", "1", "--ceilings-on", "executors");
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));
        Map<?, ?> bench = (Map<?, ?>) TestJson.parse(Files.readString(out.resolve("bench.json")));
        assertEquals("executors", bench.get("ceilings_measured_on"));
        Map<?, ?> figures = (Map<?, ?>) ((Map<?, ?>) bench.get("corpora")).get("imagenet-6");
        List<?> executors = (List<?>) figures.get("executors");
        assertEquals(1, executors.size(), executors.toString());
        Map<?, ?> driver = (Map<?, ?>) executors.get(0);
        assertEquals("driver", driver.get("id"));
        assertEquals(2.0, driver.get("task_slots"));
        assertEquals(6.0, driver.get("E_images"));
        for (String key : new String[] {"C", "D", "C_one_session_all_threads", "D_imageio"}) {
            assertTrue(driver.get(key) instanceof Double v && v > 0, key + " = " + driver.get(key));
            assertEquals((Double) figures.get(key), (Double) driver.get(key), 1e-3, key + ": one executor's figure is the run's");
        }
        assertFalse(bench.containsKey("scaling"), "a local run has no scaling curve");
    }

    @Test
    void refusesOptionsThatNeedAClusterMaster() throws Exception {
        for (String[] args : List.of(new String[] {"--executors", "1,2"}, new String[] {"--ceilings-on", "gpu"})) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<String> all = new java.util.ArrayList<>(List.of("--output", tmp.resolve("refused").toString(), "--master", "local[2]"));
            all.addAll(List.of(args));
            PrintStream err = System.err;
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            try {
                assertEquals(2, BenchCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), all.toArray(String[]::new)),
                        List.of(args).toString());
            } finally {
                System.setErr(err);
            }
            assertTrue(errors.toString(StandardCharsets.UTF_8).contains(args[0]), errors.toString(StandardCharsets.UTF_8));
        }
        assertFalse(Files.exists(tmp.resolve("refused")), "nothing written");
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void measuresFp32AndInt8SideBySideInEveryRound() throws Exception {
        TestSpark.session();
        Path corpus = CorpusMaker.make(Path.of("samples"), CorpusMaker.Kind.IMAGENET, 8, tmp.resolve("imagenet-8"));
        Path out = tmp.resolve("bench-int8");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = BenchCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--output", out.toString(),
                "--corpus", corpus.toString(), "--master", "local[2]", "--min-seconds", "0.2", "--imageio-sample", "2",
                "--rounds", "2", "--precision", "fp32,int8",
                "--calibration", org.sparkimage.testing.ReferenceData.nsfwDir().resolve("images").toString());
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));

        Map<?, ?> bench = (Map<?, ?>) TestJson.parse(Files.readString(out.resolve("bench.json")));
        Map<?, ?> corpora = (Map<?, ?>) bench.get("corpora");
        Map<?, ?> fp32 = (Map<?, ?>) corpora.get("imagenet-8");
        Map<?, ?> int8 = (Map<?, ?>) corpora.get("imagenet-8 int8");
        assertEquals("fp32", fp32.get("precision"));
        assertEquals("int8", int8.get("precision"));
        assertEquals(fp32.get("D"), int8.get("D"), "one D per round, shared");
        assertEquals(2, ((List<?>) int8.get("E_over_H_rounds")).size());
        Map<?, ?> ratios = (Map<?, ?>) ((Map<?, ?>) bench.get("int8_over_fp32")).get("imagenet-8");
        List<?> c = (List<?>) ratios.get("C_rounds");
        List<?> cFp32 = (List<?>) ((Map<?, ?>) fp32.get("rounds")).get("C");
        List<?> cInt8 = (List<?>) ((Map<?, ?>) int8.get("rounds")).get("C");
        for (int i = 0; i < 2; i++) {
            assertEquals((Double) cInt8.get(i) / (Double) cFp32.get(i), (Double) c.get(i), 0.01, "round " + i);
        }
        assertTrue(Files.size(out.resolve("models").resolve("int8.onnx")) > 0, "the int8 model the jobs ran");
    }

    /**
     * The default run (both generated corpora, camera-sized 12 MP JPEGs decoded at full size) in a
     * small heap: the corpus is streamed and the ceilings keep tensors and a byte-bounded sample, so
     * memory does not grow with the corpus. Holding the 24 camera files and 32 decoded 12 MP images,
     * as the bench once did, needs more than this heap.
     */
    @Test
    void theDefaultCorporaRunInASmallHeap() throws Exception {
        Path out = tmp.resolve("small-heap");
        ForkedJvm.Result r = ForkedJvm.run(BenchCommand.class.getName(), List.of("-Xmx640m"), List.of("--output", out.toString(),
                "--corpus-cache", tmp.resolve("corpora").toString(),
                "--imagenet-images", "16", "--camera-images", "24", "--camera-unique", "4", "--rounds", "1", "--min-seconds", "0.2",
                "--imageio-sample", "2"), java.time.Duration.ofMinutes(8), tmp);
        assertEquals(0, r.exitCode(), r.output());
        assertFalse(r.output().contains("OutOfMemoryError"), r.output());
        Map<?, ?> corpora = (Map<?, ?>) ((Map<?, ?>) TestJson.parse(Files.readString(out.resolve("bench.json")))).get("corpora");
        assertEquals(2, corpora.size(), corpora.keySet().toString());
        for (Object figures : corpora.values()) {
            assertTrue(((Map<?, ?>) figures).get("E") instanceof Double e && e > 0, figures.toString());
        }
    }
}
