package org.sparkimage.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.sparkimage.image.DecodeMode;
import org.sparkimage.model.quant.Precision;

/**
 * The settings a sweep measures: {@code --sweep batch=1,8,16 threads=1,2 tasks=1,2,4
 * precision=fp32,int8 decode=full,scaled}, every combination of the values given (a setting not
 * named keeps the run's value). {@code threads} is ONNX Runtime's intra-op threads per task, which
 * the job takes from {@code spark.task.cpus}. {@code tasks} (also {@code tasks-per-executor}) is how
 * many tasks each executor runs at once: an application of executors with {@code tasks x threads}
 * cores. Not named, it fills the run's executors: their cores / threads, as Spark itself would.
 */
record SweepGrid(List<Setting> settings, Setting baseline) {

    /** Tasks per executor not named: as many as the executor's cores hold at {@code threads} each. */
    static final int FILL = 0;

    /**
     * One combination.
     *
     * @param batch     images per ONNX Runtime call
     * @param threads   intra-op threads per task ({@code spark.task.cpus})
     * @param tasks     tasks each executor runs at once, or {@link #FILL} before {@link SweepGrid#fill}
     * @param precision the model's arithmetic
     * @param decode    the decode mode
     */
    record Setting(int batch, int threads, int tasks, Precision precision, DecodeMode decode) {
        /** {@code batch=16 threads=1 tasks=2 precision=fp32 decode=full}. */
        String label() {
            return String.format(Locale.ROOT, "batch=%d threads=%d tasks=%s precision=%s decode=%s", batch, threads,
                    tasks == FILL ? "fill" : String.valueOf(tasks), precision, decode.toString().toLowerCase(Locale.ROOT));
        }

        /** The Spark application this setting runs in. */
        App app() {
            return new App(threads, tasks);
        }

        Map<String, Object> figures() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", batch);
            m.put("threads", threads);
            m.put("tasks_per_executor", tasks);
            m.put("precision", precision.toString());
            m.put("decode", decode.toString().toLowerCase(Locale.ROOT));
            return m;
        }
    }

    /**
     * The shape of a sweep application's executors.
     *
     * @param threads cores per task ({@code spark.task.cpus})
     * @param tasks   tasks at once per executor
     */
    record App(int threads, int tasks) {
        /** Cores of each executor. */
        int cores() {
            return threads * tasks;
        }
    }

    /**
     * This grid with every {@link #FILL} resolved for executors of {@code cores} cores: cores /
     * threads tasks (at least one).
     */
    SweepGrid fill(int cores) {
        List<Setting> filled = settings.stream().map(s -> filled(s, cores)).toList();
        return new SweepGrid(filled, filled(baseline, cores));
    }

    private static Setting filled(Setting s, int cores) {
        return s.tasks() != FILL ? s : new Setting(s.batch(), s.threads(), Math.max(1, cores / s.threads()), s.precision(), s.decode());
    }

    /**
     * Parses the {@code --sweep} words against the run's own setting (the baseline every
     * recommendation is measured against).
     *
     * @throws IllegalArgumentException naming the word that is not a setting or a value that does not parse
     */
    static SweepGrid parse(List<String> words, Setting baseline) {
        List<Integer> batches = List.of(baseline.batch());
        List<Integer> threads = List.of(baseline.threads());
        List<Integer> tasks = List.of(baseline.tasks());
        List<Precision> precisions = List.of(baseline.precision());
        List<DecodeMode> decodes = List.of(baseline.decode());
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0 || eq == w.length() - 1) throw new IllegalArgumentException("--sweep takes NAME=V1,V2,..., got '" + w + "'");
            String name = w.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String[] values = w.substring(eq + 1).split(",", -1);
            switch (name) {
                case "batch" -> batches = ints(name, values, 1, org.sparkimage.core.ClassifierSettings.MAX_BATCH_SIZE);
                case "threads" -> threads = ints(name, values, 1, 256);
                case "tasks", "tasks-per-executor" -> tasks = ints(name, values, 1, 256);
                case "precision" -> precisions = parsed(name, values, Precision::parse);
                case "decode" -> decodes = parsed(name, values, v -> DecodeMode.valueOf(v.toUpperCase(Locale.ROOT)));
                default -> throw new IllegalArgumentException("--sweep knows batch, threads, tasks, precision and decode, not '" + name + "'");
            }
        }
        List<Setting> settings = new ArrayList<>();
        for (int b : batches) {
            for (int t : threads) {
                for (int k : tasks) {
                    for (Precision p : precisions) {
                        for (DecodeMode d : decodes) settings.add(new Setting(b, t, k, p, d));
                    }
                }
            }
        }
        if (settings.size() < 2) throw new IllegalArgumentException("--sweep names a single setting; give two values or more");
        return new SweepGrid(List.copyOf(settings), baseline);
    }

    private static List<Integer> ints(String name, String[] values, int min, int max) {
        return parsed(name, values, v -> {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a number");
            }
            if (n < min || n > max) throw new IllegalArgumentException("is outside " + min + ".." + max);
            return n;
        });
    }

    private static <T> List<T> parsed(String name, String[] values, java.util.function.Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        for (String v : values) {
            try {
                T t = parse.apply(v.strip());
                if (!out.contains(t)) out.add(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--sweep " + name + ": '" + v + "' " + (e.getMessage() != null
                        && e.getMessage().startsWith("is ") ? e.getMessage() : "is not a valid value"));
            }
        }
        return out;
    }
}
