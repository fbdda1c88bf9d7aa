package org.sparkimage.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PartitionStats;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.setup.ExecutorMemory;
import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Builds a run's {@link JobSummary} (the one place that does) and writes it to
 * {@code <output>/summary.json}. A fresh run's counts are the sum of its tasks' stats; a resumed
 * run's describe the whole table, earlier runs' rows included, and are read back from it.
 */
public final class RunSummarizer {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path summaryFile;

    /** @param output the output directory; the summary is {@code <output>/summary.json} */
    public RunSummarizer(SparkSession spark, FileSystem fs, Path output) {
        this.spark = spark;
        this.fs = fs;
        this.summaryFile = new Path(output, "summary.json");
    }

    /**
     * The run ids that wrote the output before this one, oldest first, from its summary.json; read
     * before this run replaces it.
     */
    public List<String> earlierRuns() throws IOException {
        if (!fs.exists(summaryFile)) return List.of("(interrupted run)");
        JsonNode previous;
        try (InputStream in = fs.open(summaryFile)) {
            previous = JsonFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of("(unreadable summary.json)");
        }
        List<String> runs = new ArrayList<>();
        previous.path("earlier_runs").forEach(r -> runs.add(r.asText()));
        runs.add(previous.path("run_id").asText("(unknown run)"));
        return runs;
    }

    /**
     * @param stats       this run's tasks
     * @param table       the whole output table, read back when the run resumed an earlier one; else null
     * @param resume      {@link JobSummary.Resume#NONE} for a fresh run
     * @param partitions  partitions of each commit
     * @param calibration the int8 step before the job, {@link JobSummary.Calibration#NONE} when there was none
     */
    public JobSummary summarize(Instant start, ModelBundle bundle, List<PartitionStats> stats, Dataset<Row> table,
                         JobSummary.Resume resume, int partitions, JobSummary.Calibration calibration) {
        long labeled = sum(stats, s -> s.counts().images());
        JobSummary.Counts counts = table == null ? countsOf(stats) : countsOf(table, labeled);
        TreeSet<String> executors = new TreeSet<>();
        Map<String, Integer> sessionsPerExecutor = new HashMap<>();
        for (PartitionStats s : stats) {
            executors.add(s.task().executorId());
            sessionsPerExecutor.merge(s.task().executorId(), s.engine().sessionsCreated(), Math::max);
        }
        JobSummary.Run run = new JobSummary.Run(spark.sparkContext().applicationId(), start, Instant.now(),
                spark.sparkContext().master(), List.copyOf(executors), partitions,
                sessionsPerExecutor.values().stream().mapToInt(Integer::intValue).sum(),
                spark.sparkContext().getConf().get(ExecutorMemory.OVERHEAD, null));
        JobSummary.StageSeconds seconds = new JobSummary.StageSeconds(sum(stats, s -> s.nanos().read()) / 1e9,
                sum(stats, s -> s.nanos().decode()) / 1e9, sum(stats, s -> s.nanos().inference()) / 1e9,
                sum(stats, s -> s.nanos().inferenceWait()) / 1e9, sum(stats, s -> s.nanos().write()) / 1e9);
        return new JobSummary(run, counts, resume, new JobSummary.Model(bundle.card().name(), bundle.sha256(), bundle.precision().toString()), seconds,
                calibration, JobSummary.Phases.NONE);
    }

    /** Writes {@code summary.json}, replacing an earlier one. */
    public void write(JobSummary summary) throws IOException {
        try (OutputStream s = fs.create(summaryFile, true)) {
            s.write(summary.toJson().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * A fresh run's table holds exactly the rows its tasks counted: Spark merges the accumulator of
     * each task once, and never a failed attempt's, as the commit protocol keeps only the winning
     * attempt's file. Adding them up saves reading the table back.
     */
    static JobSummary.Counts countsOf(List<PartitionStats> stats) {
        Map<String, Long> codes = merged(stats, s -> s.counts().errorCodes());
        Map<String, Long> labels = merged(stats, s -> s.counts().labels());
        long images = sum(stats, s -> s.counts().images());
        long errors = sum(stats, s -> s.counts().errors());
        return new JobSummary.Counts(images, images, images - errors, errors, codes, labels);
    }

    /**
     * A resumed run's table also holds earlier runs' rows: counted per error code and label in one
     * small aggregation (one row per code or label, whatever the table's size).
     */
    public static JobSummary.Counts countsOf(Dataset<Row> table, long labeled) {
        Map<String, Long> byCode = new TreeMap<>();
        Map<String, Long> byLabel = new TreeMap<>();
        long images = 0;
        for (Row r : table.groupBy(PredictionSchema.ERROR_CODE, PredictionSchema.LABEL).count().collectAsList()) {
            String code = r.getAs(PredictionSchema.ERROR_CODE);
            String label = r.getAs(PredictionSchema.LABEL);
            long n = r.<Long>getAs("count");
            images += n;
            if (code != null) byCode.merge(code, n, Long::sum);
            else if (label != null) byLabel.merge(label, n, Long::sum);
        }
        long errors = byCode.values().stream().mapToLong(Long::longValue).sum();
        return new JobSummary.Counts(images, labeled, images - errors, errors, byCode, byLabel);
    }

    private static Map<String, Long> merged(List<PartitionStats> stats, Function<PartitionStats, Map<String, Long>> f) {
        Map<String, Long> m = new TreeMap<>();
        stats.forEach(s -> f.apply(s).forEach((k, n) -> m.merge(k, n, Long::sum)));
        return m;
    }

    private static long sum(List<PartitionStats> stats, ToLongFunction<PartitionStats> f) {
        return stats.stream().mapToLong(f).sum();
    }
}
