package org.sparkimage.job;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.sparkimage.util.Json;

/**
 * What one run did; written as {@code <output>/summary.json} and printed as a table. {@code images},
 * {@code ok}, {@code errors} and {@code errorCodes} describe the whole output table; a resumed run
 * labels only {@code labeled} of them and keeps {@code resume.kept()} rows of earlier runs.
 */
public record JobSummary(
        String runId,
        Instant start,
        Instant end,
        long images,
        long labeled,
        Resume resume,
        long ok,
        long errors,
        Map<String, Long> errorCodes,
        String modelName,
        String modelSha256,
        String master,
        List<String> executors,
        int partitions,
        int sessionsCreated,
        StageSeconds stageSeconds) {

    /**
     * How a run continued an existing output: rows kept, stale rows (changed or vanished files)
     * dropped, and the run ids that wrote the output before, oldest first.
     */
    public record Resume(long kept, long staleDropped, List<String> earlierRuns) {
        public static final Resume NONE = new Resume(0, 0, List.of());

        public Resume {
            earlierRuns = List.copyOf(earlierRuns);
        }
    }

    /**
     * Task time summed over all partitions, per stage. Inference runs on each task's inference
     * thread, overlapped with decoding; {@code inferenceWait} is how long task threads waited for it.
     */
    public record StageSeconds(double read, double decodePreprocess, double inference, double inferenceWait, double write) {
        static StageSeconds of(java.util.List<PartitionStats> stats) {
            return new StageSeconds(sum(stats, PartitionStats::readNs), sum(stats, PartitionStats::decodeNs),
                    sum(stats, PartitionStats::inferenceNs), sum(stats, PartitionStats::inferenceWaitNs),
                    sum(stats, PartitionStats::writeNs));
        }

        private static double sum(java.util.List<PartitionStats> stats, java.util.function.ToLongFunction<PartitionStats> f) {
            return stats.stream().mapToLong(f).sum() / 1e9;
        }
    }

    public double wallSeconds() {
        return (end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    }

    public double imagesPerSecond() {
        return wallSeconds() > 0 ? labeled / wallSeconds() : 0;
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("start", start.toString());
        m.put("end", end.toString());
        m.put("images", images);
        m.put("labeled", labeled);
        m.put("kept_from_earlier_runs", resume.kept());
        m.put("stale_rows_dropped", resume.staleDropped());
        m.put("earlier_runs", resume.earlierRuns());
        m.put("ok", ok);
        m.put("errors", errors);
        m.put("error_codes", errorCodes);
        m.put("wall_seconds", wallSeconds());
        m.put("images_per_sec", imagesPerSecond());
        m.put("model", modelName);
        m.put("model_sha256", modelSha256);
        m.put("master", master);
        m.put("executors", executors);
        m.put("partitions", partitions);
        m.put("sessions_created", sessionsCreated);
        m.put("task_seconds", Map.of("read", stageSeconds.read(), "decode_preprocess", stageSeconds.decodePreprocess(),
                "inference", stageSeconds.inference(), "inference_wait", stageSeconds.inferenceWait(), "write", stageSeconds.write()));
        return Json.writePretty(m);
    }

    public String toTable() {
        StringBuilder b = new StringBuilder();
        String f = "  %-16s %s%n";
        b.append(String.format(Locale.ROOT, "run %s%n", runId));
        b.append(String.format(Locale.ROOT, f, "images", images));
        if (!resume.earlierRuns().isEmpty()) {
            b.append(String.format(Locale.ROOT, f, "resumed", String.format(Locale.ROOT,
                    "labeled %d, kept %d from %s, dropped %d stale", labeled, resume.kept(), resume.earlierRuns(),
                    resume.staleDropped())));
        }
        b.append(String.format(Locale.ROOT, f, "ok", ok));
        b.append(String.format(Locale.ROOT, f, "errors", errors + (errorCodes.isEmpty() ? "" : " " + errorCodes)));
        b.append(String.format(Locale.ROOT, f, "wall time", String.format(Locale.ROOT, "%.1f s", wallSeconds())));
        b.append(String.format(Locale.ROOT, f, "throughput", String.format(Locale.ROOT, "%.1f images/s", imagesPerSecond())));
        b.append(String.format(Locale.ROOT, f, "task time", String.format(Locale.ROOT,
                "read %.1f s, decode+preprocess %.1f s, inference %.1f s (waited %.1f s), write %.1f s", stageSeconds.read(),
                stageSeconds.decodePreprocess(), stageSeconds.inference(), stageSeconds.inferenceWait(), stageSeconds.write())));
        b.append(String.format(Locale.ROOT, f, "model", modelName + " (" + modelSha256.substring(0, 12) + ")"));
        b.append(String.format(Locale.ROOT, f, "master", master));
        b.append(String.format(Locale.ROOT, f, "executors", executors.size() + " " + executors
                + ", " + partitions + " partitions, " + sessionsCreated + " ONNX Runtime session(s)"));
        return b.toString();
    }
}
