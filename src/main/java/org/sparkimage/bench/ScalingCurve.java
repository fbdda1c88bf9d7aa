package org.sparkimage.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * E against the number of executors: per corpus and precision, each point's E (best and median of
 * its rounds, and their range), images/s per executor core, and the efficiency
 * {@code E(n) / ((n / n0) * E(n0))} against the smallest point {@code n0} (1 executor when it was
 * measured): 1 is perfect scaling.
 */
final class ScalingCurve {
    /**
     * One point: a Spark application with {@code executors} executors of {@code coresEach} cores.
     *
     * @param executors null for a local master (this JVM is the one executor)
     * @param results   what was measured there, per corpus and precision
     */
    record Point(Integer executors, int coresEach, List<CorpusResult> results) {
        /** Executor cores in all. */
        int cores() {
            return (executors == null ? 1 : executors) * coresEach;
        }
    }

    /**
     * One corpus's figures at one point.
     *
     * @param e               the best round's E
     * @param eMedian         the median round's E
     * @param eMin            the slowest round's E
     * @param perCore         {@code e / cores}
     * @param efficiency      best E over the best E of the smallest point, scaled by executors
     * @param efficiencyMedian the same with the medians
     * @param efficiencyLow   the worst pairing of rounds: this point's slowest over the smallest point's fastest
     * @param efficiencyHigh  the best pairing: this point's fastest over the smallest point's slowest
     */
    record Row(int executors, int cores, double e, double eMedian, double eMin, double[] eRounds, double perCore, double eOverH,
               double efficiency, double efficiencyMedian, double efficiencyLow, double efficiencyHigh) {}

    private final List<Point> points;

    /** The points, in any order; they are kept ordered by executors. */
    ScalingCurve(List<Point> points) {
        if (points.isEmpty()) throw new IllegalArgumentException("no point measured");
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparing(p -> p.executors() == null ? 0 : p.executors()));
        this.points = List.copyOf(sorted);
    }

    /** Every point, fewest executors first. */
    List<Point> points() {
        return points;
    }

    /** The point with the most executors: its figures are bench.json's {@code corpora}. */
    Point largest() {
        return points.get(points.size() - 1);
    }

    /** Per corpus label (corpus and precision), its row at each point, fewest executors first. */
    Map<String, List<Row>> rows() {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        Point first = points.get(0);
        for (CorpusResult base : first.results()) {
            List<Row> rows = new ArrayList<>();
            double[] baseRounds = eRounds(base);
            int n0 = executors(first);
            for (Point p : points) {
                CorpusResult r = find(p, base.label());
                double[] e = eRounds(r);
                double scale = executors(p) / (double) n0;
                double eMin = Arrays.stream(e).min().orElse(Double.NaN);
                double eMax = Arrays.stream(e).max().orElse(Double.NaN);
                rows.add(new Row(executors(p), p.cores(), r.e(), CorpusResult.median(e), eMin, e, r.e() / p.cores(), r.eOverH(),
                        r.e() / (scale * base.e()), CorpusResult.median(e) / (scale * CorpusResult.median(baseRounds)),
                        eMin / (scale * Arrays.stream(baseRounds).max().orElse(Double.NaN)),
                        eMax / (scale * Arrays.stream(baseRounds).min().orElse(Double.NaN))));
            }
            out.put(base.label(), rows);
        }
        return out;
    }

    private static int executors(Point p) {
        return p.executors() == null ? 1 : p.executors();
    }

    private static double[] eRounds(CorpusResult r) {
        return r.rounds()[3];
    }

    private static CorpusResult find(Point p, String label) {
        return p.results().stream().filter(r -> r.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalStateException(label + " was not measured with " + p.executors() + " executors"));
    }
}
