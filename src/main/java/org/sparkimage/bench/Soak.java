package org.sparkimage.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;

/**
 * A long run for leaks: {@code n} files (hard links cycling through a corpus, so they cost no
 * disk) through the job while {@link MemorySampler} watches this JVM, which in local mode is the
 * executor. Flat means: the RSS and the heap floor of the last quarter of the run are about those
 * of the second quarter (the first is warm-up).
 */
final class Soak {
    /** Samples and the derived figures. */
    record Result(Map<String, Object> figures, List<MemorySampler.Sample> samples) {}

    private Soak() {
    }

    static Result run(SparkSession spark, Path corpus, int n, Path work, PrintStream log) throws Exception {
        Path dir = links(corpus, n, work.resolve("soak-input-" + n));
        Path out = work.resolve("soak-output");
        CorpusBench.deleteRecursively(out);
        JobSummary summary;
        List<MemorySampler.Sample> samples;
        try (MemorySampler sampler = new MemorySampler()) {
            summary = ClassificationJob.run(spark, JobOptions.of(dir.toString(), out.toString()).withPartitions(0), log);
            samples = sampler.samples();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("images", summary.counts().images());
        f.put("seconds", BenchReport.round(summary.wallSeconds()));
        f.put("images_per_sec", BenchReport.round(summary.counts().images() / summary.wallSeconds()));
        int q = Math.max(1, samples.size() / 4);
        List<MemorySampler.Sample> second = samples.subList(Math.min(q, samples.size() - 1), Math.min(2 * q, samples.size()));
        List<MemorySampler.Sample> last = samples.subList(Math.max(0, samples.size() - q), samples.size());
        f.put("rss_mb_second_quarter_median", BenchReport.round(median(second.stream().mapToDouble(MemorySampler.Sample::rssMb).toArray())));
        f.put("rss_mb_last_quarter_median", BenchReport.round(median(last.stream().mapToDouble(MemorySampler.Sample::rssMb).toArray())));
        f.put("heap_floor_mb_second_quarter", BenchReport.round(second.stream().mapToDouble(MemorySampler.Sample::heapMb).min().orElse(0)));
        f.put("heap_floor_mb_last_quarter", BenchReport.round(last.stream().mapToDouble(MemorySampler.Sample::heapMb).min().orElse(0)));
        f.put("direct_mb_max", BenchReport.round(samples.stream().mapToDouble(MemorySampler.Sample::directMb).max().orElse(0)));
        log.println("soak: " + f);
        return new Result(f, samples);
    }

    private static Path links(Path corpus, int n, Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            if (s.count() == n) return dir;
        }
        CorpusBench.deleteRecursively(dir);
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            Path src = files.get(i % files.size()).toAbsolutePath();
            Path link = dir.resolve(String.format("%06d-%s", i, src.getFileName()));
            try {
                Files.createLink(link, src);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(src, link); // a file system without hard links
            }
        }
        return dir;
    }

    private static double median(double[] v) {
        return BenchReport.percentile(v, 50);
    }

}
