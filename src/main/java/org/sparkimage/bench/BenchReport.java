package org.sparkimage.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.util.JsonFiles;

/**
 * Writes what a benchmark run measured: {@code bench.json} (per corpus C, D, E, H, E_over_H and
 * the javax.imageio ceiling, for other tools; on a cluster also each executor's ceilings, every
 * point of the scaling curve and the curve itself), Parquet tables ({@code results/},
 * {@code latency/}, {@code memory/}) and {@code report.html} with inline SVG plots.
 */
final class BenchReport {
    private BenchReport() {
    }

    /**
     * Writes the report of {@code curve}: a local run's one point, or a cluster run's points, whose
     * largest gives {@code corpora} (each point's are under {@code points}, the curve under {@code scaling}).
     * Each corpus's stage times on its point's cores give its bottleneck, and with the run's
     * {@code core_hour_price} its cost per million images.
     *
     * @param soak  the long run's memory, or null
     * @param sweep the settings sweep, or null
     */
    static void write(SparkSession spark, Path out, Map<String, Object> run, ScalingCurve curve, Soak.Result soak,
                      Sweep.Result sweep) throws IOException {
        Files.createDirectories(out);
        List<CorpusResult> results = curve.largest().results();
        Map<String, Object> json = new LinkedHashMap<>(run);
        Double price = run.get("core_hour_price") instanceof Number n ? n.doubleValue() : null;
        json.put("corpora", corpora(results, curve.largest().cores(), price));
        json.put("int8_over_fp32", precisionRatios(results));
        if (onCluster(curve)) {
            List<Map<String, Object>> points = new ArrayList<>();
            for (ScalingCurve.Point p : curve.points()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("executors", p.executors());
                m.put("executor_cores", p.coresEach());
                m.put("cores", p.cores());
                m.put("corpora", corpora(p.results(), p.cores(), price));
                points.add(m);
            }
            json.put("points", points);
            json.put("scaling", scaling(curve));
        }
        if (soak != null) json.put("soak", soak.figures());
        if (sweep != null) json.put("sweep", sweep.figures());
        Files.writeString(out.resolve("bench.json"), JsonFiles.writePretty(json), StandardCharsets.UTF_8);
        writeParquet(spark, out, curve, soak);
        Files.writeString(out.resolve("report.html"), html(run, curve, soak, sweep, price), StandardCharsets.UTF_8);
    }

    private static boolean onCluster(ScalingCurve curve) {
        return curve.largest().executors() != null;
    }

    private static Map<String, Object> corpora(List<CorpusResult> results, int cores, Double price) {
        Map<String, Object> corpora = new LinkedHashMap<>();
        for (CorpusResult r : results) {
            Map<String, Object> f = figures(r);
            f.put("bottleneck", bottleneck(r, cores).figures());
            if (price != null) f.put("cost_per_million_images", round(Bottleneck.costPerMillionImages(price, cores, r.e())));
            corpora.put(r.label(), f);
        }
        return corpora;
    }

    /** The stage that bounded the corpus's best job run on {@code cores} cores. */
    static Bottleneck bottleneck(CorpusResult r, int cores) {
        return Bottleneck.of(r.stageSeconds(), r.jobWallSeconds(), cores);
    }

    /** Per corpus label, the curve's rows. */
    static Map<String, Object> scaling(ScalingCurve curve) {
        Map<String, Object> out = new LinkedHashMap<>();
        curve.rows().forEach((label, rows) -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (ScalingCurve.Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("executors", r.executors());
                m.put("cores", r.cores());
                m.put("E", round(r.e()));
                m.put("E_median", round(r.eMedian()));
                m.put("E_rounds", Arrays.stream(r.eRounds()).map(BenchReport::round).boxed().toList());
                m.put("E_per_core", round(r.perCore()));
                m.put("E_over_H", round(r.eOverH()));
                m.put("efficiency", round(r.efficiency()));
                m.put("efficiency_median", round(r.efficiencyMedian()));
                m.put("efficiency_range", List.of(round(r.efficiencyLow()), round(r.efficiencyHigh())));
                list.add(m);
            }
            out.put(label, list);
        });
        return out;
    }

    /**
     * Per corpus measured in both precisions: C_int8 / C_fp32 and E_int8 / E_fp32 of each round (the
     * two measured minutes apart at most) and their medians.
     */
    static Map<String, Object> precisionRatios(List<CorpusResult> results) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (CorpusResult a : results) {
            if (!a.precision().equals("fp32")) continue;
            for (CorpusResult b : results) {
                if (!b.name().equals(a.name()) || !b.precision().equals("int8")) continue;
                Map<String, Object> m = new LinkedHashMap<>();
                for (int fig : new int[] {0, 3}) {
                    double[] ratio = new double[a.rounds()[fig].length];
                    for (int i = 0; i < ratio.length; i++) ratio[i] = b.rounds()[fig][i] / a.rounds()[fig][i];
                    String key = fig == 0 ? "C" : "E";
                    m.put(key + "_rounds", Arrays.stream(ratio).map(BenchReport::round).boxed().toList());
                    m.put(key + "_median", round(CorpusResult.median(ratio)));
                }
                out.put(a.name(), m);
            }
        }
        return out;
    }

    static Map<String, Object> figures(CorpusResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", r.precision());
        m.put("images", r.images());
        m.put("mean_megapixels", round(r.meanMegapixels()));
        m.put("C", round(r.c()));
        m.put("D", round(r.d()));
        m.put("E", round(r.e()));
        m.put("H", round(r.h()));
        m.put("E_over_H", round(r.eOverH()));
        m.put("E_over_H_rounds", Arrays.stream(r.eOverHRounds()).map(BenchReport::round).boxed().toList());
        m.put("E_over_H_median", round(CorpusResult.median(r.eOverHRounds())));
        m.put("C_median", round(CorpusResult.median(r.rounds()[0])));
        m.put("E_median", round(CorpusResult.median(r.rounds()[3])));
        m.put("D_imageio", round(r.dImageio()));
        m.put("D_over_D_imageio", round(r.dOverImageio()));
        m.put("C_one_session_all_threads", round(r.cOneSession()));
        m.put("job_wall_seconds", round(r.jobWallSeconds()));
        m.put("decode_ms_p50", round(percentile(r.latenciesMs(), 50)));
        m.put("decode_ms_p99", round(percentile(r.latenciesMs(), 99)));
        m.put("decode_imageio_ms_p50", round(percentile(r.latenciesImageioMs(), 50)));
        Map<String, Object> rounds = new LinkedHashMap<>();
        String[] names = {"C", "C_one_session_all_threads", "D", "E"};
        for (int i = 0; i < names.length; i++) rounds.put(names[i], Arrays.stream(r.rounds()[i]).map(BenchReport::round).boxed().toList());
        m.put("rounds", rounds);
        if (!r.executors().isEmpty()) {
            List<Map<String, Object>> executors = new ArrayList<>();
            for (CorpusResult.ExecutorFigures e : r.executors()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("id", e.id());
                x.put("host", e.host());
                x.put("task_slots", e.taskSlots());
                x.put("C", roundOrNull(e.c()));
                x.put("D", roundOrNull(e.d()));
                x.put("H", roundOrNull(e.h()));
                x.put("C_one_session_all_threads", roundOrNull(e.cOneSession()));
                x.put("D_imageio", roundOrNull(e.dImageio()));
                x.put("E_images", r.jobImagesOn(e.id()));
                executors.add(x);
            }
            m.put("executors", executors);
        }
        return m;
    }

    private static void writeParquet(SparkSession spark, Path out, ScalingCurve curve, Soak.Result soak) {
        StructType resultSchema = new StructType()
                .add("executors", DataTypes.IntegerType).add("corpus", DataTypes.StringType).add("images", DataTypes.LongType).add("mean_megapixels", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("d", DataTypes.DoubleType).add("e", DataTypes.DoubleType)
                .add("h", DataTypes.DoubleType).add("e_over_h", DataTypes.DoubleType).add("d_imageio", DataTypes.DoubleType)
                .add("c_one_session_all_threads", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        StructType latencySchema = new StructType().add("executors", DataTypes.IntegerType).add("corpus", DataTypes.StringType).add("decoder", DataTypes.StringType)
                .add("ms", DataTypes.DoubleType);
        List<Row> latency = new ArrayList<>();
        for (ScalingCurve.Point p : curve.points()) {
            Integer n = p.executors();
            for (CorpusResult r : p.results()) {
                rows.add(RowFactory.create(n, r.label(), r.images(), r.meanMegapixels(), r.c(), r.d(), r.e(), r.h(), r.eOverH(),
                        r.dImageio(), r.cOneSession()));
                for (double v : r.latenciesMs()) latency.add(RowFactory.create(n, r.label(), "job", v));
                for (double v : r.latenciesImageioMs()) latency.add(RowFactory.create(n, r.label(), "imageio", v));
            }
        }
        spark.createDataFrame(rows, resultSchema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(CorpusBench.uri(out.resolve("results")));
        spark.createDataFrame(latency, latencySchema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(CorpusBench.uri(out.resolve("latency")));
        if (soak != null) {
            StructType memSchema = new StructType().add("seconds", DataTypes.DoubleType).add("heap_mb", DataTypes.DoubleType)
                    .add("rss_mb", DataTypes.DoubleType).add("direct_mb", DataTypes.DoubleType);
            List<Row> mem = new ArrayList<>();
            for (MemorySampler.Sample s : soak.samples()) mem.add(RowFactory.create(s.seconds(), s.heapMb(), s.rssMb(), s.directMb()));
            spark.createDataFrame(mem, memSchema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(CorpusBench.uri(out.resolve("memory")));
        }
    }

    private static String html(Map<String, Object> run, ScalingCurve curve, Soak.Result soak, Sweep.Result sweep, Double price) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Benchmark</title>"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:900px}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}</style></head><body>");
        b.append("<h1>Throughput benchmark</h1><p>");
        for (Map.Entry<String, Object> e : run.entrySet()) {
            b.append("<b>").append(SvgCharts.esc(e.getKey())).append("</b>: ").append(SvgCharts.esc(String.valueOf(e.getValue()))).append("<br>");
        }
        boolean onExecutors = CeilingSite.EXECUTORS.equals(run.get("ceilings_measured_on"));
        b.append("</p><p>C = inference ceiling on ready tensors, D = decode+preprocess ceiling, both measured ")
                .append(onExecutors ? "inside Spark tasks on the executors, one task per task slot, all at once (each executor's own figures below)"
                        : "in the driver JVM on all its cores")
                .append("; H = 1/(1/C + 1/D), the best a pipeline whose stages share the cores can do; E = the Spark job end to end.</p>");
        if (onCluster(curve)) {
            scalingHtml(b, curve);
            for (ScalingCurve.Point p : curve.points()) {
                b.append(String.format(Locale.ROOT, "<h2>%d executor(s) x %d core(s)</h2>", p.executors(), p.coresEach()));
                resultsHtml(b, p.results(), "h3", p.cores(), price);
            }
        } else {
            resultsHtml(b, curve.largest().results(), "h2", curve.largest().cores(), price);
        }
        if (sweep != null) b.append(sweepTable(sweep));
        if (soak != null) {
            b.append("<h2>Memory over a long run</h2><p>").append(SvgCharts.esc(soak.figures().toString())).append("</p>");
            List<MemorySampler.Sample> s = soak.samples();
            double[] t = s.stream().mapToDouble(MemorySampler.Sample::seconds).toArray();
            b.append(SvgCharts.lines("Driver/executor JVM memory (local mode)", "s", "MB", List.of(
                    new SvgCharts.Series("RSS", t, s.stream().mapToDouble(MemorySampler.Sample::rssMb).toArray()),
                    new SvgCharts.Series("heap used", t, s.stream().mapToDouble(MemorySampler.Sample::heapMb).toArray()),
                    new SvgCharts.Series("direct buffers", t, s.stream().mapToDouble(MemorySampler.Sample::directMb).toArray()))));
        }
        return b.append("</body></html>\n").toString();
    }

    /** The scaling curve: E(n) with its rounds' range against perfect scaling, and a table per corpus. */
    private static void scalingHtml(StringBuilder b, ScalingCurve curve) {
        b.append("<h2>Scaling</h2><p>E(n) is the best of the rounds with n executors (the bar spans the slowest to the fastest"
                + " round); perfect scaling is E of the fewest executors times n / n<sub>0</sub>. Efficiency = E(n) / ((n / n<sub>0</sub>)"
                + " E(n<sub>0</sub>)); its range pairs the slowest rounds of one point with the fastest of the other. Executors that"
                + " share a machine's cores (a one-box cluster) show contention, not scaling.</p>");
        curve.rows().forEach((label, rows) -> {
            double[] x = rows.stream().mapToDouble(ScalingCurve.Row::executors).toArray();
            double[] e = rows.stream().mapToDouble(ScalingCurve.Row::e).toArray();
            double[] lo = rows.stream().mapToDouble(ScalingCurve.Row::eMin).toArray();
            double[] hi = rows.stream().mapToDouble(r -> Arrays.stream(r.eRounds()).max().orElse(r.e())).toArray();
            double[] ideal = rows.stream().mapToDouble(r -> rows.get(0).e() * r.executors() / rows.get(0).executors()).toArray();
            b.append(SvgCharts.lines("E(n), " + label, "executors", "img/s", List.of(
                    new SvgCharts.Series("E(n), best round", x, e), new SvgCharts.Series("perfect scaling", x, ideal)),
                    List.of(new SvgCharts.Range(x, lo, hi))));
            b.append("<table><tr><th>executors</th><th>cores</th><th>E</th><th>E median</th><th>E rounds</th><th>E per core</th>"
                    + "<th>E/H</th><th>efficiency</th><th>efficiency (medians)</th><th>efficiency range</th></tr>");
            for (ScalingCurve.Row r : rows) {
                b.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%.1f</td><td>%.1f</td><td>%s</td><td>%.1f</td>"
                                + "<td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f-%.2f</td></tr>", r.executors(), r.cores(), r.e(), r.eMedian(),
                        SvgCharts.esc(Arrays.toString(Arrays.stream(r.eRounds()).map(BenchReport::round).toArray())), r.perCore(),
                        r.eOverH(), r.efficiency(), r.efficiencyMedian(), r.efficiencyLow(), r.efficiencyHigh()));
            }
            b.append("</table>");
        });
    }

    /** One set of results (a local run's, or one point's): the figures' table, each executor's, and the plots. */
    private static void resultsHtml(StringBuilder b, List<CorpusResult> results, String heading, int cores, Double price) {
        b.append("<table><tr><th>corpus</th><th>images</th><th>MP</th><th>C</th><th>D</th><th>H</th><th>E</th><th>E/H</th>"
                + "<th>D javax.imageio</th><th>D / D<sub>imageio</sub></th><th>C, one session x all threads</th></tr>");
        for (CorpusResult r : results) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.2f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>"
                            + "<td>%.1f</td><td>%.2f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>", SvgCharts.esc(r.label()), r.images(),
                    r.meanMegapixels(), r.c(), r.d(), r.h(), r.e(), r.eOverH(), r.dImageio(), r.dOverImageio(), r.cOneSession()));
        }
        b.append("</table>");
        for (CorpusResult r : results) {
            b.append('<').append(heading).append('>').append(SvgCharts.esc(r.label())).append("</").append(heading).append('>');
            b.append("<p class='bottleneck'>").append(SvgCharts.esc(bottleneck(r, cores).line()));
            if (price != null) {
                b.append(String.format(Locale.ROOT, "; %.4g per million images at %s per core-hour on %d cores",
                        Bottleneck.costPerMillionImages(price, cores, r.e()), price, cores));
            }
            b.append("</p>");
            if (!r.executors().isEmpty()) {
                b.append("<table><tr><th>executor</th><th>host</th><th>task slots</th><th>C</th><th>D</th><th>H</th>"
                        + "<th>C, one session</th><th>D javax.imageio</th><th>images in E's best job</th></tr>");
                for (CorpusResult.ExecutorFigures e : r.executors()) {
                    b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>"
                                    + "<td>%.1f</td><td>%.1f</td><td>%d</td></tr>", SvgCharts.esc(e.id()), SvgCharts.esc(e.host()),
                            e.taskSlots(), e.c(), e.d(), e.h(), e.cOneSession(), e.dImageio(), r.jobImagesOn(e.id())));
                }
                b.append("</table>");
            }
            b.append(SvgCharts.bars("Images per second", "img/s", List.of(
                    new SvgCharts.Bar("C inference", r.c()), new SvgCharts.Bar("C one session, all threads", r.cOneSession()),
                    new SvgCharts.Bar("D decode+preprocess (the job's decode)", r.d()), new SvgCharts.Bar("D javax.imageio", r.dImageio()),
                    new SvgCharts.Bar("H = 1/(1/C+1/D)", r.h()), new SvgCharts.Bar("E Spark job", r.e()))));
            b.append(SvgCharts.stacked("Job task time per stage (summed over tasks)", "s", CorpusResult.STAGES,
                    List.of(new SvgCharts.Stack("all tasks", r.stageSeconds()))));
            List<SvgCharts.Bar> parts = new ArrayList<>();
            for (CorpusResult.PartitionRate p : r.partitions()) {
                parts.add(new SvgCharts.Bar("partition " + p.partition() + " (executor " + p.executor() + ", " + p.images() + " img)",
                        p.imagesPerSecond()));
            }
            b.append(SvgCharts.bars("Images per second per task", "img/s", parts));
            b.append(SvgCharts.logHistogram("Per-image decode+preprocess latency", "ms", List.of(
                    new SvgCharts.Series("the job's decode", new double[0], r.latenciesMs()),
                    new SvgCharts.Series("javax.imageio", new double[0], r.latenciesImageioMs()))));
        }
    }

    private static String sweepTable(Sweep.Result sweep) {
        StringBuilder b = new StringBuilder("<h2>Settings sweep (").append(SvgCharts.esc(sweep.corpus())).append(")</h2>");
        b.append("<p class='recommendation'>").append(SvgCharts.esc(sweep.recommendation())).append("</p>");
        b.append("<table class='sweep'><tr><th>setting</th><th>E median</th><th>E min</th><th>E max</th><th>rounds</th></tr>");
        for (Sweep.Measured m : sweep.measured()) {
            boolean marked = m == sweep.best() || m == sweep.baseline();
            b.append(String.format(Locale.ROOT, "<tr><td>%s%s</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%d</td></tr>",
                    SvgCharts.esc(m.setting().label()), marked ? (m == sweep.best() ? " (best)" : " (the run's own)") : "",
                    m.median(), m.min(), m.max(), m.rounds().length));
        }
        return b.append("</table>").toString();
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) return 0;
        double[] v = values.clone();
        Arrays.sort(v);
        return v[(int) Math.min(v.length - 1, Math.floor(p / 100 * v.length))];
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** {@link #round}, or null for a figure not measured (NaN). */
    private static Double roundOrNull(double v) {
        return Double.isNaN(v) ? null : round(v);
    }
}
