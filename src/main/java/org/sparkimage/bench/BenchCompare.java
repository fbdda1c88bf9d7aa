package org.sparkimage.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.sparkimage.util.CommandLines;
import org.sparkimage.util.JsonFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/bench.sh compare <run A> <run B> [...]}: the figures of benchmark runs side by side
 * on one HTML page, each run against the first. A difference counts as a gain or a regression only
 * when the two runs' rounds do not overlap (every round of one beats every round of the other);
 * otherwise it is within the spread, and the page says so rather than pick a winner. Runs must have
 * measured the same corpora (same names and image counts): comparing figures of different data
 * says nothing, so that is refused with exit 2, as are runs without a {@code bench.json}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare benchmark runs (folders with bench.json) on one HTML page.")
public final class BenchCompare implements Callable<Integer> {
    /** Figures compared, with the rounds list that gives each its spread. */
    private static final String[][] FIGURES = {{"C", "C"}, {"D", "D"}, {"E", "E"}, {"E_over_H", null}};

    @Parameters(arity = "2..*", paramLabel = "<run>", description = "Benchmark output folders; the first is the baseline.")
    List<Path> runs;

    @Option(names = "--output", required = true, paramLabel = "<page.html>", description = "The HTML page to write.")
    Path output;

    private final PrintStream console;

    BenchCompare(PrintStream console) {
        this.console = console;
    }

    /** Runs the command and returns its exit status: 0, 2 for runs that cannot be compared. */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new BenchCompare(console), console, "compare: failed", args);
    }

    /** The {@code compare} command line; exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }

    /** One figure of one corpus in one run: the reported value and its rounds. */
    record Figure(double value, double[] rounds) {
        double min() {
            return java.util.Arrays.stream(rounds).min().orElse(value);
        }

        double max() {
            return java.util.Arrays.stream(rounds).max().orElse(value);
        }
    }

    /** How a figure of a run compares with the baseline's. */
    enum Verdict { GAIN, REGRESSION, WITHIN_SPREAD }

    /** Higher is better for every compared figure; the rounds' ranges must not overlap to call it. */
    static Verdict verdict(Figure base, Figure other) {
        if (other.min() > base.max()) return Verdict.GAIN;
        if (other.max() < base.min()) return Verdict.REGRESSION;
        return Verdict.WITHIN_SPREAD;
    }

    @Override
    public Integer call() throws IOException {
        List<JsonNode> benches = new ArrayList<>();
        for (Path run : runs) {
            Path json = run.resolve("bench.json");
            if (!Files.isRegularFile(json)) return refuse(run + " has no bench.json (not a finished benchmark run)");
            benches.add(JsonFiles.parse(Files.readString(json)));
        }
        Map<String, String> corpora = corpora(benches.get(0));
        for (int i = 1; i < benches.size(); i++) {
            Map<String, String> other = corpora(benches.get(i));
            if (!other.equals(corpora)) {
                return refuse("runs of different corpora cannot be compared: " + runs.get(0) + " measured " + corpora.values()
                        + ", " + runs.get(i) + " measured " + other.values());
            }
        }
        String page = page(benches);
        if (output.getParent() != null) Files.createDirectories(output.getParent());
        Files.writeString(output, page, StandardCharsets.UTF_8);
        console.println("wrote " + output);
        return 0;
    }

    private int refuse(String message) {
        console.println("compare: " + message);
        return 2;
    }

    /** Corpus label -> "label: N images, M MP": what must match between runs. */
    private static Map<String, String> corpora(JsonNode bench) {
        Map<String, String> m = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = bench.path("corpora").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), String.format(Locale.ROOT, "%s: %d images, %.2f MP", e.getKey(), e.getValue().path("images").asLong(),
                    e.getValue().path("mean_megapixels").asDouble()));
        }
        return m;
    }

    static Figure figure(JsonNode corpus, String key, String roundsKey) {
        double value = corpus.path(key).asDouble(Double.NaN);
        JsonNode r = roundsKey == null ? corpus.path(key + "_rounds") : corpus.path("rounds").path(roundsKey);
        double[] rounds = new double[r.size()];
        for (int i = 0; i < rounds.length; i++) rounds[i] = r.get(i).asDouble();
        return new Figure(value, rounds);
    }

    private String page(List<JsonNode> benches) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Benchmark comparison</title>"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
                + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#eee}"
                + ".GAIN{background:#d4f7d4}.REGRESSION{background:#f7d4d4}.WITHIN_SPREAD{color:#555}</style></head><body>");
        b.append("<h1>Benchmark comparison</h1><p>Baseline: ").append(SvgCharts.esc(runs.get(0).toString())).append(
                ". Each figure is the run's best round (E/H: its best-round pairing); [min&ndash;max] is the spread of its rounds."
                + " A gain or regression is marked only where the rounds do not overlap.</p>");
        for (Iterator<String> it = benches.get(0).path("corpora").fieldNames(); it.hasNext(); ) {
            String corpus = it.next();
            b.append("<h2>").append(SvgCharts.esc(corpus)).append("</h2><table><tr><th>run</th>");
            for (String[] f : FIGURES) b.append("<th>").append(f[0].replace("_over_", "/")).append(" (images/s)</th>");
            b.append("</tr>");
            for (int i = 0; i < benches.size(); i++) b.append(row(i, corpus, benches));
            b.append("</table>");
        }
        return b.append("</body></html>").toString();
    }

    private String row(int i, String corpus, List<JsonNode> benches) {
        JsonNode base = benches.get(0).path("corpora").path(corpus);
        JsonNode mine = benches.get(i).path("corpora").path(corpus);
        StringBuilder b = new StringBuilder("<tr><th>").append(SvgCharts.esc(runs.get(i).toString())).append("</th>");
        for (String[] f : FIGURES) {
            Figure me = figure(mine, f[0], f[1]);
            Figure baseline = figure(base, f[0], f[1]);
            Verdict v = i == 0 ? Verdict.WITHIN_SPREAD : verdict(baseline, me);
            b.append(String.format(Locale.ROOT, "<td class=\"%s\">%s [%s&ndash;%s]%s</td>", v, SvgCharts.fmt(me.value()),
                    SvgCharts.fmt(me.min()), SvgCharts.fmt(me.max()), i == 0 ? "" : " " + label(v, me.value(), baseline.value())));
        }
        return b.append("</tr>").toString();
    }

    private static String label(Verdict v, double mine, double base) {
        String change = String.format(Locale.ROOT, "%+.1f%%", 100 * (mine / base - 1));
        return switch (v) {
            case GAIN -> "gain " + change;
            case REGRESSION -> "regression " + change;
            case WITHIN_SPREAD -> "(" + change + ", within spread)";
        };
    }
}
