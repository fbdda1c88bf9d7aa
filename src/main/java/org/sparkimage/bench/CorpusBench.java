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
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;

/**
 * Measures C, D (the job's decode mode, and javax.imageio) and E on one corpus, in this JVM, for one or more
 * variants of the model (fp32, int8): C and E per variant, D once per round (decoding does not
 * depend on the model's precision).
 */
final class CorpusBench {
    /**
     * A model to measure.
     *
     * @param precision what the figures are labelled with
     * @param model     the model
     * @param jobModel  how the job's {@code --model} names it (a file holding the model, or {@code default})
     */
    record Variant(String precision, ModelBundle model, String jobModel) {}

    private final SparkSession spark;
    private final List<Variant> variants;
    private final ModelBundle model;
    private final int cores;
    private final int batchSize;
    private final DecodeMode decodeMode;
    private final double minSeconds;
    private final int imageioSample;
    private final int rounds;
    private final long sampleBytes;
    private final PrintStream log;

    /**
     * @param sampleBytes the encoded bytes of the files D decodes over and over (the corpus itself is
     *                    only streamed: memory does not grow with it)
     */
    CorpusBench(SparkSession spark, List<Variant> variants, int cores, int batchSize, DecodeMode decodeMode, double minSeconds,
                int imageioSample, int rounds, long sampleBytes, PrintStream log) {
        this.decodeMode = decodeMode;
        if (variants.isEmpty()) throw new IllegalArgumentException("no model to measure");
        this.spark = spark;
        this.variants = List.copyOf(variants);
        this.model = variants.get(0).model(); // decoding and preprocessing follow its card (the same for every variant)
        this.cores = cores;
        this.batchSize = batchSize;
        this.minSeconds = minSeconds;
        this.imageioSample = imageioSample;
        this.rounds = rounds;
        this.sampleBytes = sampleBytes;
        this.log = log;
    }

    /** One result per variant, in the order of the variants. */
    List<CorpusResult> run(Path corpus, Path jobOutput) throws Exception {
        String name = corpus.getFileName().toString();
        Preprocessor pre = new Preprocessor(model.card());
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, model.card().preprocess().background());
        ScaleHint hint = decodeMode.hint(pre.scaleHint());
        CorpusScan scan = CorpusScan.of(corpus, decoder, hint, pre, batchSize, sampleBytes);
        List<byte[]> files = scan.decodeSample();
        log.printf("%s: %d files, %.1f MP on average; D decodes %d of them (%.0f MB)%n", name, scan.files().size(),
                scan.megapixels(), files.size(), files.stream().mapToLong(f -> f.length).sum() / 1e6);

        List<byte[]> subset = files.subList(0, Math.min(files.size(), imageioSample));
        List<Measured> measured = new ArrayList<>();
        for (Variant v : variants) {
            // The job's settings: one session per JVM (the registry's), one intra-op thread per task, a caller per core.
            measured.add(new Measured(v, EngineRegistry.get(v.model().sha256(), v.model()::bytes, v.model().card(), 1)));
            warmUp(corpus, v, jobOutput.resolveSibling(name + "-warm-up"));
        }

        // Rounds of C, D, E in turn; each figure is the best of its rounds. Other load on the machine
        // only ever slows a measurement down, and interleaving keeps a burst of it from hitting one
        // figure only (E over H compares figures measured minutes apart).
        Best d = new Best();
        Ceilings.Rate bestD = null;
        for (int round = 1; round <= rounds; round++) {
            for (Measured m : measured) {
                m.c.add(Ceilings.inference(m.shared, scan.tensors(), batchSize, cores, minSeconds).perSecond());
                try (OrtEngine wide = new OrtEngine(m.variant.model().bytes(), m.variant.model().card(), cores)) {
                    m.cAlt.add(Ceilings.inference(wide, scan.tensors(), batchSize, 1, minSeconds).perSecond());
                }
            }
            Ceilings.Rate dr = Ceilings.decode(decoder, hint, pre, files, cores, minSeconds);
            if (d.add(dr.perSecond())) bestD = dr;
            for (Measured m : measured) {
                Path roundOutput = jobOutput.resolve(m.variant.precision()).resolve("round-" + round);
                deleteRecursively(roundOutput);
                JobSummary job = ClassificationJob.run(spark, jobOptions(corpus, m.variant, roundOutput), log);
                if (m.e.add(job.counts().images() / job.wallSeconds())) {
                    m.bestJob = job;
                    m.bestOutput = roundOutput;
                }
                log.printf("  round %d %s: C %.1f (one session x %d threads: %.1f), D %.1f, E %.1f images/s%n", round,
                        m.variant.precision(), m.c.last(), cores, m.cAlt.last(), d.last(), m.e.last());
            }
        }
        Ceilings.Rate dIo = Ceilings.decode(decoder.withoutNativeJpeg(), ScaleHint.FULL_RESOLUTION, pre, subset, cores, minSeconds);
        log.printf("  javax.imageio full decode (%d files): %.1f images/s%n", subset.size(), dIo.perSecond());

        List<CorpusResult> results = new ArrayList<>();
        for (Measured m : measured) {
            JobSummary.StageSeconds st = m.bestJob.stageSeconds();
            results.add(new CorpusResult(name, m.variant.precision(), corpus.toString(), scan.files().size(), scan.megapixels(),
                    m.c.best(), m.cAlt.best(), d.best(), dIo.perSecond(), m.e.best(), m.bestJob.wallSeconds(),
                    new double[] {st.read(), st.decodePreprocess(), st.inferenceWait(), st.write()},
                    partitionRates(m.bestOutput.resolve("stats")), bestD.latenciesMs(), dIo.latenciesMs(),
                    new double[][] {m.c.all(), m.cAlt.all(), d.all(), m.e.all()}));
        }
        return results;
    }

    /** One variant's session and figures over the rounds. */
    private static final class Measured {
        final Variant variant;
        final OrtEngine shared;
        final Best c = new Best();
        final Best cAlt = new Best();
        final Best e = new Best();
        JobSummary bestJob;
        Path bestOutput;

        Measured(Variant variant, OrtEngine shared) {
            this.variant = variant;
            this.shared = shared;
        }
    }

    private JobOptions jobOptions(Path corpus, Variant v, Path output) {
        return JobOptions.of(corpus.toString(), output.toString()).withModel(v.jobModel())
                .withDecodeMode(decodeMode).withBatchSize(batchSize);
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
    private void warmUp(Path corpus, Variant v, Path scratch) throws Exception {
        deleteRecursively(scratch);
        ClassificationJob.run(spark, jobOptions(corpus, v, scratch), new PrintStream(PrintStream.nullOutputStream()));
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

    /** Every file of {@code corpus}, read whole (for small sets such as the agreement study's). */
    static List<byte[]> readAll(Path corpus) throws IOException {
        List<byte[]> files = new ArrayList<>();
        for (Path p : CorpusScan.list(corpus)) files.add(Files.readAllBytes(p));
        return files;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
