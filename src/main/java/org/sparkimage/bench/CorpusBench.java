package org.sparkimage.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.job.JobOptions;
import org.sparkimage.job.JobSummary;
import org.sparkimage.core.ModelBundle;

/** Measures C, D (scaled and javax.imageio) and E on one corpus, in that order, in this JVM. */
final class CorpusBench {
    private final SparkSession spark;
    private final ModelBundle model;
    private final int cores;
    private final int batchSize;
    private final double minSeconds;
    private final int imageioSample;
    private final int rounds;
    private final PrintStream log;

    CorpusBench(SparkSession spark, ModelBundle model, int cores, int batchSize, double minSeconds, int imageioSample, int rounds,
                PrintStream log) {
        this.spark = spark;
        this.model = model;
        this.cores = cores;
        this.batchSize = batchSize;
        this.minSeconds = minSeconds;
        this.imageioSample = imageioSample;
        this.rounds = rounds;
        this.log = log;
    }

    CorpusResult run(Path corpus, Path jobOutput) throws Exception {
        String name = corpus.getFileName().toString();
        List<byte[]> files = readAll(corpus);
        Preprocessor pre = new Preprocessor(model.card());
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, model.card().preprocess().background());
        ScaleHint hint = DecodeMode.SCALED.hint(pre.scaleHint());

        List<DecodedImage> sample = new ArrayList<>();
        double megapixels = 0;
        for (byte[] f : files) {
            try {
                DecodedImage img = decoder.decode(f, hint);
                megapixels += img.width() * (double) img.height() / 1e6;
                if (sample.size() < batchSize) sample.add(img);
            } catch (ImageDecodeException e) {
                // counted by the job as an error row; the ceilings use the decodable images
            }
        }
        log.printf("%s: %d files, %.1f MP on average%n", name, files.size(), megapixels / files.size());

        // The job's settings: one session per JVM (the registry's), one intra-op thread per task, a caller per core.
        OrtEngine shared = EngineRegistry.get(model.sha256(), model::bytes, model.card(), 1);
        List<byte[]> subset = files.subList(0, Math.min(files.size(), imageioSample));
        warmUp(corpus, jobOutput.resolveSibling(name + "-warm-up"));

        // Rounds of C, D, E in turn; each figure is the best of its rounds. Other load on the machine
        // only ever slows a measurement down, and interleaving keeps a burst of it from hitting one
        // figure only (E over H compares figures measured minutes apart).
        Best c = new Best();
        Best cAlt = new Best();
        Best d = new Best();
        Best e = new Best();
        Ceilings.Rate bestD = null;
        JobSummary bestJob = null;
        Path bestOutput = null;
        for (int round = 1; round <= rounds; round++) {
            c.add(Ceilings.inference(shared, sample, pre, batchSize, cores, minSeconds).perSecond());
            try (OrtEngine wide = new OrtEngine(model.bytes(), model.card(), cores)) {
                cAlt.add(Ceilings.inference(wide, sample, pre, batchSize, 1, minSeconds).perSecond());
            }
            Ceilings.Rate dr = Ceilings.decode(decoder, hint, pre, files, cores, minSeconds);
            if (d.add(dr.perSecond())) bestD = dr;
            Path roundOutput = jobOutput.resolve("round-" + round);
            deleteRecursively(roundOutput);
            JobSummary job = ClassificationJob.run(spark, JobOptions.of(corpus.toString(), roundOutput.toString())
                    .withDecodeMode(DecodeMode.SCALED).withBatchSize(batchSize), log);
            if (e.add(job.counts().images() / job.wallSeconds())) {
                bestJob = job;
                bestOutput = roundOutput;
            }
            log.printf("  round %d: C %.1f (one session x %d threads: %.1f), D %.1f, E %.1f images/s%n", round, c.last(), cores,
                    cAlt.last(), d.last(), e.last());
        }
        Ceilings.Rate dIo = Ceilings.decode(decoder.withoutNativeJpeg(), ScaleHint.FULL_RESOLUTION, pre, subset, cores, minSeconds);
        log.printf("  javax.imageio full decode (%d files): %.1f images/s%n", subset.size(), dIo.perSecond());

        JobSummary.StageSeconds st = bestJob.stageSeconds();
        return new CorpusResult(name, corpus.toString(), files.size(), megapixels / files.size(), c.best(), cAlt.best(),
                d.best(), dIo.perSecond(), e.best(), bestJob.wallSeconds(),
                new double[] {st.read(), st.decodePreprocess(), st.inferenceWait(), st.write()},
                partitionRates(bestOutput.resolve("stats")), bestD.latenciesMs(), dIo.latenciesMs(),
                new double[][] {c.all(), cAlt.all(), d.all(), e.all()});
    }

    /** The best and every value of one figure over the rounds. */
    private static final class Best {
        private final List<Double> values = new ArrayList<>();

        /** Records a value; true when it is the best so far. */
        boolean add(double v) {
            boolean best = values.isEmpty() || v > best();
            values.add(v);
            return best;
        }

        double best() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        double last() {
            return values.get(values.size() - 1);
        }

        double[] all() {
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /**
     * The whole job once over the corpus first, so that E measures the job, not the JIT compiling
     * its decode, preprocessing and Parquet paths (C and D are measured warm too: each runs at least
     * {@code minSeconds} per round). A short warm-up job left the first E rounds 5-10 % low here.
     */
    private void warmUp(Path corpus, Path scratch) throws Exception {
        deleteRecursively(scratch);
        ClassificationJob.run(spark, JobOptions.of(corpus.toString(), scratch.toString())
                .withDecodeMode(DecodeMode.SCALED).withBatchSize(batchSize), new PrintStream(PrintStream.nullOutputStream()));
        deleteRecursively(scratch);
    }

    private List<CorpusResult.PartitionRate> partitionRates(Path stats) {
        List<CorpusResult.PartitionRate> rates = new ArrayList<>();
        for (Row r : spark.read().parquet(stats.toString()).collectAsList()) {
            rates.add(new CorpusResult.PartitionRate(r.getAs("partition"), r.getAs("executor_id"), r.<Long>getAs("images"),
                    r.<Double>getAs("images_per_sec")));
        }
        rates.sort(Comparator.comparingInt(CorpusResult.PartitionRate::partition));
        return rates;
    }

    static List<byte[]> readAll(Path corpus) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(corpus)) {
            paths = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        List<byte[]> files = new ArrayList<>(paths.size());
        for (Path p : paths) files.add(Files.readAllBytes(p));
        if (files.isEmpty()) throw new IOException("corpus " + corpus + " holds no files");
        return files;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
