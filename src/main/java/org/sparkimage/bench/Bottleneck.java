package org.sparkimage.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The stage that bounds a job run, read from its task time per stage: each stage's share of the
 * cores' time ({@code wall seconds x cores}), with what the tasks did not account for (task start,
 * scheduling, listing, the Parquet commit, idle cores) as "scheduling and fixed cost". Inference
 * runs beside decoding, so its share is the time tasks waited for it: when that is the largest,
 * decoding was already faster than the model.
 *
 * @param stage  the stage with the largest share
 * @param share  its share of the cores' time, 0..1
 * @param shares every stage's share, in pipeline order
 */
record Bottleneck(String stage, double share, Map<String, Double> shares) {
    /** The stages, in the order of {@link CorpusResult#stageSeconds()}, then the unaccounted rest. */
    static final String[] STAGES = {"read", "decode", "inference", "write", "scheduling and fixed cost"};

    /**
     * @param stageSeconds task seconds for read, decode+preprocess, inference wait and write/other
     * @param wallSeconds  the job's wall time
     * @param cores        the cores the job had
     */
    static Bottleneck of(double[] stageSeconds, double wallSeconds, int cores) {
        double budget = wallSeconds * cores;
        Map<String, Double> shares = new LinkedHashMap<>();
        double accounted = 0;
        for (int i = 0; i < stageSeconds.length; i++) {
            shares.put(STAGES[i], stageSeconds[i] / budget);
            accounted += stageSeconds[i];
        }
        shares.put(STAGES[4], Math.max(0, budget - accounted) / budget);
        Map.Entry<String, Double> top = shares.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return new Bottleneck(top.getKey(), top.getValue(), shares);
    }

    /** One line for the console and the report, e.g. {@code bounded by decode: 61 % of the cores' time (...)}. */
    String line() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "bounded by %s: %.0f %% of the cores' time (", stage, 100 * share));
        String sep = "";
        for (Map.Entry<String, Double> e : shares.entrySet()) {
            b.append(sep).append(String.format(Locale.ROOT, "%s %.0f %%", e.getKey(), 100 * e.getValue()));
            sep = ", ";
        }
        return b.append(')').toString();
    }

    /** bench.json's form: the stage, its share and every share, rounded. */
    Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("share", BenchReport.round(share));
        Map<String, Object> all = new LinkedHashMap<>();
        shares.forEach((k, v) -> all.put(k, BenchReport.round(v)));
        m.put("shares", all);
        return m;
    }

    /**
     * What a million images cost at {@code coreHourPrice} per core-hour when {@code cores} cores
     * classify {@code imagesPerSecond}: {@code price x cores / 3600 / rate x 1e6}.
     */
    static double costPerMillionImages(double coreHourPrice, int cores, double imagesPerSecond) {
        return coreHourPrice * cores / 3600 / imagesPerSecond * 1e6;
    }
}
