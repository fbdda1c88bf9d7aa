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

    @TempDir
    static Path shared;
    private static Path swept;

    /**
     * One small run for the sweep and compare tests (a bench run costs tens of seconds): 8 files,
     * two rounds, a 2x2 sweep of threads per task and tasks per executor, a core-hour price.
     */
    private static synchronized Path sweptRun() throws Exception {
        if (swept != null) return swept;
        TestSpark.session();
        Path corpus = CorpusMaker.make(Path.of("samples"), CorpusMaker.Kind.IMAGENET, 8, shared.resolve("imagenet-8"));
        Path out = shared.resolve("sweep");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, BenchCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--output", out.toString(),
                "--corpus", corpus.toString(), "--master", "local[2]", "--min-seconds", "0.2", "--imageio-sample", "2",
                "--rounds", "2", "--sweep", "threads=1,2", "tasks=1,2", "--core-hour-price", "0.05"), log.toString(StandardCharsets.UTF_8));
        swept = out;
        return out;
    }

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

    /**
     * {@code --scale}: per size, a full run of that many tiny files, a resume with nothing to do
     * (nothing labeled) and one after 1 % more files (exactly those labeled), with the figures
     * that show how cost grows; a size below 1 is refused.
     */
    @Test
    void theScaleCurveMeasuresEachSizeAndItsResumes() throws Exception {
        Path out = tmp.resolve("scale");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, BenchCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--output", out.toString(),
                "--scale", "12,150", "--master", "local[2]", "--corpus-cache", tmp.resolve("corpora").toString()),
                log.toString(StandardCharsets.UTF_8));
        List<?> points = (List<?>) ((Map<?, ?>) TestJson.parse(Files.readString(out.resolve("scale.json")))).get("points");
        assertEquals(2, points.size());
        int[] sizes = {12, 150};
        for (int i = 0; i < sizes.length; i++) {
            Map<?, ?> p = (Map<?, ?>) points.get(i);
            int added = (sizes[i] + 99) / 100;
            assertEquals((double) sizes[i], p.get("files"), p.toString());
            assertEquals((double) added, p.get("resume_one_percent_new_labeled"), p.toString());
            assertEquals((double) (sizes[i] + added), p.get("rows_after"), p.toString());
            for (String k : List.of("seconds", "ms_per_1000_files", "resume_nothing_to_do_seconds", "prediction_files", "prediction_bytes",
                    "heap_peak_mb")) {
                assertTrue(p.get(k) instanceof Double d && d > 0, k + " in " + p);
            }
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("ms/1000 files"), "the table");
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertEquals(2, BenchCommand.execute(new PrintStream(refused, true, StandardCharsets.UTF_8), "--output",
                tmp.resolve("scale-refused").toString(), "--scale", "0", "--master", "local[2]"));
        assertTrue(refused.toString(StandardCharsets.UTF_8).contains("--scale"), refused.toString(StandardCharsets.UTF_8));
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

    /**
     * {@code bench.sh compare}: a real small run against itself is within the spread everywhere;
     * against a copy whose E is three times higher, with every round above the run's, E is a gain (and the copy against
     * the run a regression); runs of different corpora and a folder without bench.json exit 2.
     */
    @Test
    void compareMarksOnlyDifferencesBeyondTheSpread() throws Exception {
        Path a = sweptRun();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        com.fasterxml.jackson.databind.node.ObjectNode bench =
                (com.fasterxml.jackson.databind.node.ObjectNode) org.sparkimage.util.JsonFiles.parse(Files.readString(a.resolve("bench.json")));
        com.fasterxml.jackson.databind.node.ObjectNode figures = (com.fasterxml.jackson.databind.node.ObjectNode) bench.path("corpora").path("imagenet-8");
        bench.remove("sweep");
        figures.put("E", figures.path("E").asDouble() * 3);
        com.fasterxml.jackson.databind.node.ArrayNode eRounds = (com.fasterxml.jackson.databind.node.ArrayNode) figures.path("rounds").path("E");
        // Its rounds all above the run's highest (a loaded machine spreads one run's rounds several fold).
        double highest = 0;
        for (int i = 0; i < eRounds.size(); i++) highest = Math.max(highest, eRounds.get(i).asDouble());
        for (int i = 0; i < eRounds.size(); i++) eRounds.set(i, eRounds.get(i).asDouble() * 3 + highest * 3);
        Path faster = Files.createDirectories(tmp.resolve("run-faster"));
        Files.writeString(faster.resolve("bench.json"), org.sparkimage.util.JsonFiles.writePretty(bench));

        Path page = tmp.resolve("compare.html");
        assertEquals(0, BenchCompare.execute(new PrintStream(log, true, StandardCharsets.UTF_8), a.toString(), a.toString(),
                faster.toString(), "--output", page.toString()), log.toString(StandardCharsets.UTF_8));
        String html = Files.readString(page);
        String[] rows = html.split("<tr>");
        assertEquals(5, rows.length, "the page head, a header row and one row per run");
        assertFalse(rows[3].contains("gain") || rows[3].contains("regression"), "a run against itself: " + rows[3]);
        assertTrue(rows[3].contains("within spread"), rows[3]);
        assertTrue(rows[4].contains("class=\"GAIN\"") && rows[4].contains("gain +200.0%"), rows[4]);
        assertFalse(rows[4].contains("REGRESSION"), rows[4]);

        assertEquals(0, BenchCompare.execute(new PrintStream(log, true, StandardCharsets.UTF_8), faster.toString(), a.toString(),
                "--output", page.toString()));
        assertTrue(Files.readString(page).contains("regression -66.7%"), Files.readString(page));

        figures.put("images", 9);
        Path other = Files.createDirectories(tmp.resolve("run-other"));
        Files.writeString(other.resolve("bench.json"), org.sparkimage.util.JsonFiles.writePretty(bench));
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertEquals(2, BenchCompare.execute(new PrintStream(refused, true, StandardCharsets.UTF_8), a.toString(), other.toString(),
                "--output", tmp.resolve("no.html").toString()));
        assertTrue(refused.toString(StandardCharsets.UTF_8).contains("runs of different corpora cannot be compared"), refused.toString());
        assertFalse(Files.exists(tmp.resolve("no.html")), "no half report");
        assertEquals(2, BenchCompare.execute(new PrintStream(refused, true, StandardCharsets.UTF_8), a.toString(), tmp.toString(),
                "--output", tmp.resolve("no.html").toString()));
        assertTrue(refused.toString(StandardCharsets.UTF_8).contains("has no bench.json"), refused.toString());
    }

    /**
     * A two-by-two sweep (threads per task and tasks per executor: a Spark application of its own
     * each, local[threads x tasks], so threads=2 tasks=2 declares four cores on this two-core
     * machine) in two interleaved rounds: every setting measured every round in an application that
     * ran that many tasks at once, medians and spreads, a recommendation with its margin; the
     * bottleneck and the cost per million images per corpus; the report shows the table. A sweep value
     * that is not a number, or more threads than a task can have, is exit 2 before anything is
     * measured or written.
     */
    @Test
    void aSweepRecommendsASettingAndTheReportNamesTheBottleneck() throws Exception {
        Path out = sweptRun();
        Path corpus = out.resolveSibling("imagenet-8");
        Map<?, ?> bench = (Map<?, ?>) TestJson.parse(Files.readString(out.resolve("bench.json")));
        Map<?, ?> sweep = (Map<?, ?>) bench.get("sweep");
        List<?> settings = (List<?>) sweep.get("settings");
        assertEquals(4, settings.size());
        java.util.Set<List<Object>> shapes = new java.util.HashSet<>();
        for (Object o : settings) {
            Map<?, ?> st = (Map<?, ?>) o;
            shapes.add(List.of(st.get("threads"), st.get("tasks_per_executor")));
            assertEquals(st.get("tasks_per_executor"), st.get("task_slots"), "the application ran that many tasks at once: " + st);
            List<?> rounds = (List<?>) st.get("E_rounds");
            assertEquals(2, rounds.size(), st.toString());
            double min = (Double) st.get("E_min");
            double max = (Double) st.get("E_max");
            double median = (Double) st.get("E_median");
            assertTrue(min > 0 && min <= median && median <= max, st.toString());
        }
        Map<?, ?> rec = (Map<?, ?>) sweep.get("recommendation");
        assertTrue(rec.get("distinguishable") instanceof Boolean, rec.toString());
        assertTrue(rec.get("margin_over_baseline") instanceof Double, rec.toString());
        assertEquals(java.util.Set.of(List.of(1.0, 1.0), List.of(1.0, 2.0), List.of(2.0, 1.0), List.of(2.0, 2.0)), shapes);
        assertTrue(((String) rec.get("text")).contains("tasks="), rec.toString());
        assertEquals(Map.of("batch", 16.0, "threads", 1.0, "tasks_per_executor", 2.0, "precision", "fp32", "decode", "full"),
                sweep.get("baseline"), "the run's own setting: local[2] filled with one-thread tasks");

        Map<?, ?> figures = (Map<?, ?>) ((Map<?, ?>) bench.get("corpora")).get("imagenet-8");
        Map<?, ?> bottleneck = (Map<?, ?>) figures.get("bottleneck");
        assertTrue(((Map<?, ?>) bottleneck.get("shares")).containsKey(bottleneck.get("stage")), bottleneck.toString());
        double shares = ((Map<?, ?>) bottleneck.get("shares")).values().stream().mapToDouble(v -> (Double) v).sum();
        assertTrue(shares > 0.98 && shares < 1.02 + 0.01 * 5, "shares of the cores' time add up to one: " + shares);
        double e = (Double) figures.get("E");
        assertEquals(0.05 * 2 / 3600 / e * 1e6, (Double) figures.get("cost_per_million_images"), 0.01);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Settings sweep") && html.contains("class='recommendation'"), "sweep table in the report");
        assertTrue(html.contains("bounded by " + bottleneck.get("stage")), "bottleneck line in the report");
        assertRendersInChromium(out.resolve("report.html"), 4);

        for (String[] bad : new String[][] {{"--sweep", "batch=8,x"}, {"--sweep", "threads=1,3"}, {"--sweep", "speed=1,2"}}) {
            Path none = tmp.resolve("bad-" + bad[1].replace(',', '-').replace('=', '-'));
            ByteArrayOutputStream refused = new ByteArrayOutputStream();
            int rc = BenchCommand.execute(new PrintStream(refused, true, StandardCharsets.UTF_8), "--output", none.toString(),
                    "--corpus", corpus.toString(), "--master", "local[2]", bad[0], bad[1]);
            assertEquals(2, rc, refused.toString(StandardCharsets.UTF_8));
            assertTrue(refused.toString(StandardCharsets.UTF_8).startsWith("bench: --sweep"), refused.toString(StandardCharsets.UTF_8));
            assertFalse(Files.exists(none.resolve("bench.json")), "no half report");
        }
    }

    /**
     * The report in a real headless Chromium (DevTools protocol): the sweep table has a row per
     * setting, the bottleneck line is there, and a screenshot of the page (kept beside the report as
     * report.png) is not blank.
     */
    private void assertRendersInChromium(Path report, int settings) throws Exception {
        try (org.sparkimage.testing.DevToolsBrowser b = org.sparkimage.testing.DevToolsBrowser.open(report.toUri().toString(),
                Files.createDirectories(tmp.resolve("chromium")))) {
            b.awaitLoaded();
            assertEquals(settings, b.eval("document.querySelectorAll('table.sweep tr').length - 1").asInt());
            assertTrue(b.eval("document.querySelectorAll('p.bottleneck').length").asInt() >= 1);
            assertTrue(b.eval("document.querySelectorAll('svg').length").asInt() >= 4, "the plots render as SVG");
            com.fasterxml.jackson.databind.JsonNode shot = b.send("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true));
            byte[] png = java.util.Base64.getDecoder().decode(shot.path("data").asText());
            Files.write(report.resolveSibling("report.png"), png);
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            java.util.Set<Integer> colours = new java.util.HashSet<>();
            for (int y = 0; y < img.getHeight(); y += 7) {
                for (int x = 0; x < img.getWidth(); x += 7) colours.add(img.getRGB(x, y));
            }
            assertTrue(colours.size() > 5, "the screenshot is not blank: " + colours.size() + " colours");
        }
    }
}
