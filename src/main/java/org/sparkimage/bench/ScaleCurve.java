package org.sparkimage.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;

/**
 * How the job's cost grows with the number of files ({@code scripts/bench.sh --scale
 * 1000,10000,...}): tiny JPEGs ({@link CorpusMaker.Kind#TINY}, hard links to a few distinct ones),
 * so that per-file cost (listing, bookkeeping, commits) dominates rather than decoding. For each
 * size: a full run, then {@code --resume} with nothing to do, then {@code --resume} after 1 % more
 * files, each in this JVM's session (no JVM start-up counted; one unrecorded warm-up job first).
 * This JVM is driver and executor in
 * local mode; its heap and resident set are sampled ({@link MemorySampler}).
 *
 * <p>Per size: wall seconds and images/s, milliseconds per 1000 files (flat = linear cost), the
 * driver's phases ({@link JobSummary.Phases}: listing, resume planning, classify, finish), peak
 * heap in use and RSS, the heap committed and the heap in use after a full collection (what the
 * run retains), output files and bytes, and the two resumes' seconds (the no-op one also as
 * a share of the full run).
 */
final class ScaleCurve {
    /** Distinct images behind the hard links. */
    static final int UNIQUE = 32;

    private ScaleCurve() {}

    /**
     * Measures every size in {@code sizes}.
     *
     * @param sources photographs the tiny images are made from
     * @param cache   where the corpora are kept between runs
     * @param work    where the outputs go (replaced)
     */
    static List<Map<String, Object>> run(SparkSession spark, List<Integer> sizes, Path sources, Path cache, Path work,
                                         PrintStream log) throws Exception {
        // Warm-up, not recorded: the first job of a JVM also pays for the ONNX Runtime session and the JIT.
        Path few = CorpusMaker.make(sources, CorpusMaker.Kind.TINY, UNIQUE, UNIQUE, cache.resolve("tiny-" + UNIQUE + "-of-" + UNIQUE));
        CorpusBench.deleteRecursively(work.resolve("scale-warm-up"));
        ClassificationJob.run(spark, JobOptions.of(few.toString(), work.resolve("scale-warm-up").toString()),
                new PrintStream(PrintStream.nullOutputStream()));
        List<Map<String, Object>> points = new ArrayList<>();
        for (int n : sizes) {
            Path corpus = CorpusMaker.make(sources, CorpusMaker.Kind.TINY, n, UNIQUE, cache.resolve("tiny-" + n + "-of-" + UNIQUE));
            Map<String, Object> f = point(spark, n, corpus, work.resolve("scale-" + n), log);
            log.println("scale: " + f);
            points.add(f);
        }
        return points;
    }

    private static Map<String, Object> point(SparkSession spark, int n, Path corpus, Path out, PrintStream log) throws Exception {
        CorpusBench.deleteRecursively(out);
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        JobOptions options = JobOptions.of(corpus.toString(), out.toString()).withPartitions(0);
        System.gc();
        JobSummary full;
        List<MemorySampler.Sample> samples;
        try (MemorySampler sampler = new MemorySampler()) {
            full = ClassificationJob.run(spark, options, quiet);
            samples = sampler.samples();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("files", n);
        f.put("seconds", BenchReport.round(full.wallSeconds()));
        f.put("images_per_sec", BenchReport.round(full.counts().images() / full.wallSeconds()));
        f.put("ms_per_1000_files", BenchReport.round(full.wallSeconds() * 1e6 / n));
        f.put("listing_seconds", BenchReport.round(full.phases().listing()));
        f.put("classify_seconds", BenchReport.round(full.phases().classify()));
        f.put("finish_seconds", BenchReport.round(full.phases().finish()));
        f.put("heap_peak_mb", BenchReport.round(samples.stream().mapToDouble(MemorySampler.Sample::heapMb).max().orElse(-1)));
        f.put("rss_peak_mb", BenchReport.round(samples.stream().mapToDouble(MemorySampler.Sample::rssMb).max().orElse(-1)));
        // RSS follows the heap the JVM has committed, which it grows under allocation and keeps; what
        // the run retains is the heap in use after a full collection.
        Runtime rt = Runtime.getRuntime();
        f.put("heap_committed_mb", BenchReport.round(rt.totalMemory() / 1048576.0));
        System.gc();
        f.put("heap_after_gc_mb", BenchReport.round((rt.totalMemory() - rt.freeMemory()) / 1048576.0));
        long[] predictions = filesAndBytes(out.resolve("predictions"));
        f.put("prediction_files", predictions[0]);
        f.put("prediction_bytes", predictions[1]);
        f.put("stats_files", filesAndBytes(out.resolve("stats"))[0]);

        JobSummary noop = ClassificationJob.run(spark, options.resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet);
        f.put("resume_nothing_to_do_seconds", BenchReport.round(noop.wallSeconds()));
        f.put("resume_nothing_to_do_share", BenchReport.round(noop.wallSeconds() / full.wallSeconds()));
        f.put("resume_nothing_to_do_planning_seconds", BenchReport.round(noop.phases().resumePlanning()));

        List<Path> added = addOnePercent(corpus, n);
        try {
            JobSummary more = ClassificationJob.run(spark, options.resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet);
            f.put("resume_one_percent_new_seconds", BenchReport.round(more.wallSeconds()));
            f.put("resume_one_percent_new_labeled", more.counts().labeled());
            f.put("rows_after", more.counts().images());
        } finally {
            for (Path p : added) Files.deleteIfExists(p); // the corpus stays n files for the next run
        }
        return f;
    }

    /** Hard links to the corpus's first files, ceil(1 %) of {@code n}, under new names. */
    private static List<Path> addOnePercent(Path corpus, int n) throws IOException {
        int count = (n + 99) / 100;
        List<Path> firsts;
        try (Stream<Path> s = Files.list(corpus)) {
            firsts = s.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().limit(UNIQUE).toList();
        }
        List<Path> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path link = corpus.resolve(String.format("added-%07d.jpeg", i)); // not .jpg: CorpusMaker counts those
            Files.deleteIfExists(link);
            try {
                Files.createLink(link, firsts.get(i % firsts.size()));
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(firsts.get(i % firsts.size()), link);
            }
            added.add(link);
        }
        return added;
    }

    /** Data files (not {@code _*} or {@code .*}) under {@code dir}, and their bytes. */
    private static long[] filesAndBytes(Path dir) throws IOException {
        long[] fb = new long[2];
        if (!Files.isDirectory(dir)) return fb;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("_") || name.startsWith(".")) continue;
                fb[0]++;
                fb[1] += Files.size(p);
            }
        }
        return fb;
    }
}
