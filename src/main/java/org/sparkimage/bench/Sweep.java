package org.sparkimage.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;

/**
 * Measures the job (E) over one corpus at every setting of a {@link SweepGrid}, interleaved: each
 * round runs every setting once, in an order that starts one place later each round, so a slow
 * spell of the machine does not land on one setting only. Settings are grouped by their application
 * (threads and tasks per executor) within a round, because each needs a Spark application of its
 * own. The first run after an application starts is a warm-up and not counted. Each setting's
 * figure is the median of its rounds with their range as its spread; the recommendation is the
 * best median, with its margin over the run's own setting, and says when the ranges overlap that
 * the two cannot be told apart.
 */
final class Sweep {
    /**
     * One setting's rounds.
     *
     * @param slots tasks its application ran at once, read from the application itself (its cores
     *              over {@code spark.task.cpus}): the proof that the setting's shape took effect
     */
    record Measured(SweepGrid.Setting setting, double[] rounds, int slots) {
        double median() {
            return CorpusResult.median(rounds);
        }

        double min() {
            return java.util.Arrays.stream(rounds).min().orElse(Double.NaN);
        }

        double max() {
            return java.util.Arrays.stream(rounds).max().orElse(Double.NaN);
        }
    }

    /**
     * The outcome.
     *
     * @param corpus         the corpus swept
     * @param measured       every setting, in grid order
     * @param baseline       the run's own setting's figures (null when the grid does not hold it)
     * @param best           the setting with the best median
     * @param distinguishable whether best's rounds all beat the baseline's (ranges do not overlap)
     */
    record Result(String corpus, List<Measured> measured, Measured baseline, Measured best, boolean distinguishable) {
        /** The recommendation in words. */
        String recommendation() {
            if (baseline == null) return "best measured: " + best.setting().label() + " (the run's own setting was not in the sweep)";
            if (best.setting().equals(baseline.setting())) return "keep " + baseline.setting().label() + ": no setting measured faster";
            String margin = String.format(Locale.ROOT, "%+.1f %%", 100 * (best.median() / baseline.median() - 1));
            return distinguishable
                    ? "use " + best.setting().label() + ": " + margin + " over " + baseline.setting().label() + ", beyond the rounds' spread"
                    : best.setting().label() + " measured " + margin + " over " + baseline.setting().label()
                            + ", but their rounds overlap: not distinguishable here; keep the default or measure longer";
        }

        /** bench.json's {@code sweep}. */
        Map<String, Object> figures() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("corpus", corpus);
            m.put("rounds", measured.get(0).rounds().length);
            List<Object> settings = new ArrayList<>();
            for (Measured s : measured) {
                Map<String, Object> f = s.setting().figures();
                f.put("E_median", BenchReport.round(s.median()));
                f.put("E_min", BenchReport.round(s.min()));
                f.put("E_max", BenchReport.round(s.max()));
                f.put("E_rounds", java.util.Arrays.stream(s.rounds()).map(BenchReport::round).boxed().toList());
                f.put("task_slots", s.slots());
                settings.add(f);
            }
            m.put("settings", settings);
            m.put("baseline", baseline == null ? null : baseline.setting().figures());
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("setting", best.setting().figures());
            rec.put("margin_over_baseline", baseline == null ? null : BenchReport.round(best.median() / baseline.median() - 1));
            rec.put("distinguishable", distinguishable);
            rec.put("text", recommendation());
            m.put("recommendation", rec);
            return m;
        }
    }

    private final Function<SweepGrid.App, SparkSession> sessions;
    private final Map<Precision, String> jobModels;
    private final PrintStream log;

    /**
     * @param sessions  a Spark application of that shape (the caller stops the previous one when
     *                  the shape changes)
     * @param jobModels the job's {@code --model} for each precision of the grid
     */
    Sweep(Function<SweepGrid.App, SparkSession> sessions, Map<Precision, String> jobModels, PrintStream log) {
        this.sessions = sessions;
        this.jobModels = jobModels;
        this.log = log;
    }

    Result run(SweepGrid grid, Path corpus, int rounds, Path scratch) throws Exception {
        List<SweepGrid.Setting> settings = grid.settings();
        double[][] e = new double[settings.size()][rounds];
        int[] slots = new int[settings.size()];
        SweepGrid.App app = null;
        for (int r = 0; r < rounds; r++) {
            for (int i : order(settings, r)) {
                SweepGrid.Setting s = settings.get(i);
                SparkSession spark = sessions.apply(s.app());
                if (!s.app().equals(app)) {
                    job(spark, corpus, s, scratch.resolve("warm-up")); // a new application: JIT and sessions warm first
                    app = s.app();
                }
                slots[i] = taskSlots(spark);
                JobSummary job = job(spark, corpus, s, scratch.resolve("setting-" + i + "-round-" + r));
                e[i][r] = job.counts().images() / job.wallSeconds();
                log.printf(Locale.ROOT, "  sweep round %d %s: E %.1f images/s%n", r + 1, s.label(), e[i][r]);
            }
        }
        List<Measured> measured = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) measured.add(new Measured(settings.get(i), e[i], slots[i]));
        Measured best = measured.stream().max(Comparator.comparingDouble(Measured::median)).orElseThrow();
        Measured baseline = measured.stream().filter(m -> m.setting().equals(grid.baseline())).findFirst().orElse(null);
        boolean distinguishable = baseline != null && best != baseline && best.min() > baseline.max();
        return new Result(corpus.getFileName().toString(), measured, baseline, best, distinguishable);
    }

    /** Tasks {@code spark} runs at once: its cores (all executors') over {@code spark.task.cpus}. */
    private static int taskSlots(SparkSession spark) {
        return spark.sparkContext().defaultParallelism() / Math.max(1, spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
    }

    /**
     * Round {@code r}'s order: grouped by application, each group's settings rotated by {@code r},
     * the groups themselves rotated by {@code r}.
     */
    static List<Integer> order(List<SweepGrid.Setting> settings, int r) {
        Map<SweepGrid.App, List<Integer>> byApp = new LinkedHashMap<>();
        for (int i = 0; i < settings.size(); i++) byApp.computeIfAbsent(settings.get(i).app(), t -> new ArrayList<>()).add(i);
        List<List<Integer>> groups = new ArrayList<>(byApp.values());
        java.util.Collections.rotate(groups, -(r % groups.size()));
        List<Integer> order = new ArrayList<>();
        for (List<Integer> g : groups) {
            List<Integer> rotated = new ArrayList<>(g);
            java.util.Collections.rotate(rotated, -(r % rotated.size()));
            order.addAll(rotated);
        }
        return order;
    }

    /** One job at setting {@code s}, its output deleted again (only its summary is kept). */
    private JobSummary job(SparkSession spark, Path corpus, SweepGrid.Setting s, Path out) throws Exception {
        CorpusBench.deleteRecursively(out);
        JobOptions o = JobOptions.of(CorpusBench.uri(corpus), CorpusBench.uri(out)).withModel(jobModels.get(s.precision()))
                .withDecodeMode(s.decode()).withBatchSize(s.batch());
        JobSummary job = ClassificationJob.run(spark, o, new PrintStream(PrintStream.nullOutputStream()));
        CorpusBench.deleteRecursively(out);
        return job;
    }
}
