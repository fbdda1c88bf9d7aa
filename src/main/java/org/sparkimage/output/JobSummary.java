package org.sparkimage.output;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.sparkimage.setup.ExecutorMemory;
import org.sparkimage.util.JsonFiles;

/**
 * What one run did; written as {@code <output>/summary.json} and printed as a table at the end of a
 * run. Built by {@link RunSummarizer}.
 *
 * @param run          which run, where it ran
 * @param counts       the rows of the whole output table, and how many this run labeled
 * @param resume       how the run continued an earlier output ({@link Resume#NONE} for a fresh one)
 * @param model        the model's name and sha256
 * @param stageSeconds task time per stage, summed over this run's partitions
 * @param calibration  the int8 step on the driver before the job ({@link Calibration#NONE} without one)
 * @param phases       where the driver's wall time went ({@link Phases#NONE} until the job sets them)
 */
public record JobSummary(Run run, Counts counts, Resume resume, Model model, StageSeconds stageSeconds, Calibration calibration,
                         Phases phases) {

    /** Labels shown in the console table; summary.json has them all. */
    static final int TOP_LABELS_SHOWN = 10;

    /**
     * @param runId           Spark's application id
     * @param master          the Spark master
     * @param executors       executor ids that ran tasks
     * @param partitions      partitions of each commit
     * @param sessionsCreated ONNX Runtime sessions created, summed over executors
     * @param executorMemoryOverhead {@code spark.executor.memoryOverhead} the application ran with
     *                        (set by the user or sized by the job, {@link ExecutorMemory}), or null
     */
    public record Run(String runId, Instant start, Instant end, String master, List<String> executors, int partitions,
                      int sessionsCreated, String executorMemoryOverhead) {
        /** Copies the executor list. */
        public Run {
            executors = List.copyOf(executors);
        }
    }

    /**
     * The rows of the output table. {@code images}, {@code ok}, {@code errors}, {@code errorCodes}
     * and {@code labels} describe the whole table; a resumed run labeled only {@code labeled} of them.
     *
     * @param errorCodes error rows per code
     * @param labels     ok rows per top-1 label
     */
    public record Counts(long images, long labeled, long ok, long errors, Map<String, Long> errorCodes, Map<String, Long> labels) {
        /** Copies the maps, sorted by key. */
        public Counts {
            errorCodes = new TreeMap<>(errorCodes);
            labels = new TreeMap<>(labels);
        }

        /** Labels by row count, most frequent first (ties by name). */
        public List<Map.Entry<String, Long>> labelsByCount() {
            List<Map.Entry<String, Long>> l = new ArrayList<>(labels.entrySet());
            l.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            return l;
        }
    }

    /** @param name the card's name; @param sha256 of the ONNX bytes; @param precision fp32 or int8 */
    public record Model(String name, String sha256, String precision) {}

    /**
     * How a run continued an existing output: rows kept, stale rows (changed or vanished files)
     * dropped, and the run ids that wrote the output before, oldest first.
     */
    public record Resume(long kept, long staleDropped, List<String> earlierRuns) {
        /** A fresh run. */
        public static final Resume NONE = new Resume(0, 0, List.of());

        /** Copies the run list. */
        public Resume {
            earlierRuns = List.copyOf(earlierRuns);
        }
    }

    /**
     * Task time summed over all partitions, per stage. Inference runs on each task's inference
     * thread, overlapped with decoding; {@code inferenceWait} is how long task threads waited for it.
     */
    public record StageSeconds(double read, double decodePreprocess, double inference, double inferenceWait, double write) {}

    /**
     * The int8 step on the driver before any image is classified: part of the run's wall time, and
     * reported apart so that the job's own rate can be read without it.
     *
     * @param seconds wall time of the step ({@code core.Int8Models.Calibration#seconds})
     * @param cache   {@code hit} (model reused), {@code miss} (calibrated and stored) or {@code off}
     *                ({@code --int8-cache none}: calibrated); null when there was no step
     * @param images  images the int8 model was calibrated on
     */
    public record Calibration(double seconds, String cache, int images) {
        /** No int8 step: fp32, or a model that was int8 already. */
        public static final Calibration NONE = new Calibration(0, null, 0);

        /** Whether there was an int8 step. */
        public boolean happened() {
            return cache != null;
        }
    }

    /**
     * The driver's wall time by phase, so that what grows with the number of files shows: listing
     * the input, comparing it with the committed rows ({@code --resume}), classifying and committing
     * the chunks, and finishing (the stats rows and counting the table for this summary).
     */
    public record Phases(double listing, double resumePlanning, double classify, double finish) {
        /** Not measured. */
        public static final Phases NONE = new Phases(0, 0, 0, 0);
    }

    /** A copy with the driver's phases. */
    public JobSummary withPhases(Phases p) {
        return new JobSummary(run, counts, resume, model, stageSeconds, calibration, p);
    }

    /** Wall time of the run. */
    public double wallSeconds() {
        return (run.end().toEpochMilli() - run.start().toEpochMilli()) / 1000.0;
    }

    /** Images this run labeled per second of wall time. */
    public double imagesPerSecond() {
        return wallSeconds() > 0 ? counts.labeled() / wallSeconds() : 0;
    }

    /**
     * Images this run labeled per second of wall time without the int8 step: the job's own rate
     * (equal to {@link #imagesPerSecond()} when there was no step).
     */
    public double imagesPerSecondAfterCalibration() {
        double seconds = wallSeconds() - calibration.seconds();
        return seconds > 0 ? counts.labeled() / seconds : 0;
    }

    /** {@code summary.json}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", run.runId());
        m.put("start", run.start().toString());
        m.put("end", run.end().toString());
        m.put("images", counts.images());
        m.put("labeled", counts.labeled());
        m.put("kept_from_earlier_runs", resume.kept());
        m.put("stale_rows_dropped", resume.staleDropped());
        m.put("earlier_runs", resume.earlierRuns());
        m.put("ok", counts.ok());
        m.put("errors", counts.errors());
        m.put("error_codes", counts.errorCodes());
        m.put("labels", counts.labels());
        m.put("wall_seconds", wallSeconds());
        m.put("images_per_sec", imagesPerSecond());
        m.put("images_per_sec_after_calibration", imagesPerSecondAfterCalibration());
        Map<String, Object> int8 = null;
        if (calibration.happened()) {
            int8 = new LinkedHashMap<>();
            int8.put("seconds", calibration.seconds());
            int8.put("cache", calibration.cache());
            int8.put("images", calibration.images());
        }
        m.put("int8_calibration", int8);
        m.put("model", model.name());
        m.put("model_sha256", model.sha256());
        m.put("precision", model.precision());
        m.put("master", run.master());
        m.put("executors", run.executors());
        m.put("partitions", run.partitions());
        m.put("sessions_created", run.sessionsCreated());
        m.put("executor_memory_overhead", run.executorMemoryOverhead());
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("read", stageSeconds.read());
        task.put("decode_preprocess", stageSeconds.decodePreprocess());
        task.put("inference", stageSeconds.inference());
        task.put("inference_wait", stageSeconds.inferenceWait());
        task.put("write", stageSeconds.write());
        m.put("task_seconds", task);
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("listing", phases.listing());
        driver.put("resume_planning", phases.resumePlanning());
        driver.put("classify", phases.classify());
        driver.put("finish", phases.finish());
        m.put("driver_seconds", driver);
        return JsonFiles.writePretty(m);
    }

    /** The console table. */
    public String toTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "run %s%n", run.runId()));
        line(b, "images", String.valueOf(counts.images()));
        if (!resume.earlierRuns().isEmpty()) {
            line(b, "resumed", String.format(Locale.ROOT, "labeled %d, kept %d from %s, dropped %d stale", counts.labeled(),
                    resume.kept(), resume.earlierRuns(), resume.staleDropped()));
        }
        line(b, "ok", String.valueOf(counts.ok()));
        List<Map.Entry<String, Long>> labels = counts.labelsByCount();
        for (int i = 0; i < Math.min(TOP_LABELS_SHOWN, labels.size()); i++) {
            line(b, i == 0 ? "labels" : "", String.format(Locale.ROOT, "%-20s %8d  %5.1f %%", labels.get(i).getKey(),
                    labels.get(i).getValue(), 100.0 * labels.get(i).getValue() / Math.max(1, counts.ok())));
        }
        if (labels.size() > TOP_LABELS_SHOWN) line(b, "", "... " + (labels.size() - TOP_LABELS_SHOWN) + " more in summary.json");
        line(b, "errors", String.valueOf(counts.errors()));
        for (Map.Entry<String, Long> e : counts.errorCodes().entrySet()) {
            line(b, "", String.format(Locale.ROOT, "%-20s %8d", e.getKey(), e.getValue()));
        }
        line(b, "wall time", String.format(Locale.ROOT, "%.1f s", wallSeconds()));
        line(b, "throughput", String.format(Locale.ROOT, "%.1f images/s", imagesPerSecond()));
        if (calibration.happened()) {
            line(b, "int8 calibration", String.format(Locale.ROOT, "%.1f s (cache %s, %d images) of the wall time; %.1f images/s after it",
                    calibration.seconds(), calibration.cache(), calibration.images(), imagesPerSecondAfterCalibration()));
        }
        line(b, "task time", String.format(Locale.ROOT,
                "read %.1f s, decode+preprocess %.1f s, inference %.1f s (waited %.1f s), write %.1f s", stageSeconds.read(),
                stageSeconds.decodePreprocess(), stageSeconds.inference(), stageSeconds.inferenceWait(), stageSeconds.write()));
        line(b, "driver time", String.format(Locale.ROOT, "listing %.1f s, resume planning %.1f s, classify %.1f s, finish %.1f s",
                phases.listing(), phases.resumePlanning(), phases.classify(), phases.finish()));
        line(b, "model", model.name() + " (" + model.sha256().substring(0, 12) + ")");
        line(b, "master", run.master());
        line(b, "executors", run.executors().size() + " " + run.executors() + ", " + run.partitions() + " partitions, "
                + run.sessionsCreated() + " ONNX Runtime session(s)");
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "  %-16s %s%n", key, value));
    }
}
