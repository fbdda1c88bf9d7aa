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
import org.sparkimage.core.ModelBundle;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;

/**
 * Measures C, D (the job's decode mode, and javax.imageio) and E on one corpus for one or more
 * variants of the model (fp32, int8): C and E per variant, D once per round (decoding does not
 * depend on the model's precision). Where C and D are measured is the {@link CeilingSite}'s
 * business: in this JVM, or on the executors E runs on.
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
    private final CeilingSite.Factory sites;
    private final DecodePath path;
    private final int batchSize;
    private final DecodeMode decodeMode;
    private final int imageioSample;
    private final int rounds;
    private final long sampleBytes;
    private final PrintStream log;

    /**
     * @param sites       where C and D are measured
     * @param sampleBytes the encoded bytes of the files D decodes over and over (the corpus itself is
     *                    only streamed: memory does not grow with it)
     */
    CorpusBench(SparkSession spark, List<Variant> variants, CeilingSite.Factory sites, int batchSize, DecodeMode decodeMode,
                int imageioSample, int rounds, long sampleBytes, PrintStream log) {
        if (variants.isEmpty()) throw new IllegalArgumentException("no model to measure");
        this.spark = spark;
        this.variants = List.copyOf(variants);
        this.sites = sites;
        // decoding and preprocessing follow the first variant's card (the same for every variant)
        this.path = DecodePath.of(variants.get(0).model().card(), decodeMode);
        this.batchSize = batchSize;
        this.decodeMode = decodeMode;
        this.imageioSample = imageioSample;
        this.rounds = rounds;
        this.sampleBytes = sampleBytes;
        this.log = log;
    }

    /** One result per variant, in the order of the variants. */
    List<CorpusResult> run(Path corpus, Path jobOutput) throws Exception {
        String name = corpus.getFileName().toString();
        CorpusScan scan = CorpusScan.of(corpus, path.guarded(), path.hint(), path.pre(), batchSize, sampleBytes);
        List<byte[]> files = scan.decodeSample();
        log.printf("%s: %d files, %.1f MP on average; D decodes %d of them (%.0f MB), measured on the %s%n", name,
                scan.files().size(), scan.megapixels(), files.size(), files.stream().mapToLong(f -> f.length).sum() / 1e6,
                sites.name());

        List<byte[]> subset = files.subList(0, Math.min(files.size(), imageioSample));
        try (CeilingSite site = sites.open(scan, files, subset)) {
            List<Measured> measured = new ArrayList<>();
            for (Variant v : variants) {
                measured.add(new Measured(v));
                warmUp(corpus, v, jobOutput.resolveSibling(name + "-warm-up"));
            }

            // Rounds of C, D, E in turn; each figure is the best of its rounds. Other load on the machine
            // only ever slows a measurement down, and interleaving keeps a burst of it from hitting one
            // figure only (E over H compares figures measured minutes apart).
            Best d = new Best();
            CeilingSite.Figure bestD = null;
            for (int round = 1; round <= rounds; round++) {
                for (Measured m : measured) {
                    m.c.add(site.inference(m.variant));
                    m.cAlt.add(site.inferenceOneSession(m.variant));
                }
                CeilingSite.Figure dr = site.decode();
                if (d.add(dr)) bestD = dr;
                for (Measured m : measured) {
                    Path roundOutput = jobOutput.resolve(m.variant.precision()).resolve("round-" + round);
                    deleteRecursively(roundOutput);
                    JobSummary job = ClassificationJob.run(spark, jobOptions(corpus, m.variant, roundOutput), log);
                    if (m.e.add(job.counts().images() / job.wallSeconds())) {
                        m.bestJob = job;
                        m.bestOutput = roundOutput;
                    }
                    log.printf("  round %d %s: C %.1f (one session x all threads: %.1f), D %.1f, E %.1f images/s%n", round,
                            m.variant.precision(), m.c.last(), m.cAlt.last(), d.last(), m.e.last());
                }
            }
            Best dIo = new Best();
            dIo.add(site.decodeImageio());
            log.printf("  javax.imageio full decode (%d files): %.1f images/s%n", subset.size(), dIo.last());

            List<CorpusResult> results = new ArrayList<>();
            for (Measured m : measured) {
                JobSummary.StageSeconds st = m.bestJob.stageSeconds();
                results.add(new CorpusResult(name, m.variant.precision(), corpus.toString(), scan.files().size(), scan.megapixels(),
                        m.c.best(), m.cAlt.best(), d.best(), dIo.best(), m.e.best(), m.bestJob.wallSeconds(),
                        new double[] {st.read(), st.decodePreprocess(), st.inferenceWait(), st.write()},
                        partitionRates(m.bestOutput.resolve("stats")), bestD.latenciesMs(), dIo.bestFigure.latenciesMs(),
                        new double[][] {m.c.all(), m.cAlt.all(), d.all(), m.e.all()},
                        executorFigures(m.c, m.cAlt, d, dIo)));
            }
            return results;
        }
    }

    /** Each executor's C, C one-session, D and D javax.imageio in their best rounds (empty when measured in the driver). */
    private static List<CorpusResult.ExecutorFigures> executorFigures(Best c, Best cAlt, Best d, Best dIo) {
        List<CorpusResult.ExecutorFigures> out = new ArrayList<>();
        for (CeilingSite.ExecutorRate e : c.executors()) {
            String id = e.executorId();
            out.add(new CorpusResult.ExecutorFigures(id, e.host(), e.tasks(), e.perSecond(), cAlt.executorBest(id),
                    d.executorBest(id), dIo.executorBest(id)));
        }
        out.sort(java.util.Comparator.comparing(CorpusResult.ExecutorFigures::id, ExecutorCeilings::byNumber));
        return out;
    }

    /** One variant's figures over the rounds. */
    private static final class Measured {
        final Variant variant;
        final Best c = new Best();
        final Best cAlt = new Best();
        final Best e = new Best();
        JobSummary bestJob;
        Path bestOutput;

        Measured(Variant variant) {
            this.variant = variant;
        }
    }

    /**
     * A local path as the Spark and Hadoop side must see it: with its {@code file:} scheme, so that
     * a cluster whose default file system is HDFS (YARN) does not look for it there.
     */
    static String uri(Path p) {
        return p.toAbsolutePath().toUri().toString();
    }

    private JobOptions jobOptions(Path corpus, Variant v, Path output) {
        return JobOptions.of(uri(corpus), uri(output)).withModel(v.jobModel())
                .withDecodeMode(decodeMode).withBatchSize(batchSize);
    }

    /**
     * The best and every value of one figure over the rounds, and each executor's share of the
     * best round (so that the executors' figures add up to the best, as they were measured together).
     */
    private static final class Best {
        private final List<Double> values = new ArrayList<>();
        private CeilingSite.Figure bestFigure;

        /** Records a value; true when it is the best so far. */
        boolean add(double v) {
            boolean best = values.isEmpty() || v > best();
            values.add(v);
            return best;
        }

        /** Records a measured ceiling; true when it is the best so far. */
        boolean add(CeilingSite.Figure f) {
            boolean best = add(f.perSecond());
            if (best) bestFigure = f;
            return best;
        }

        /** The executors of the best round (none when measured in the driver). */
        List<CeilingSite.ExecutorRate> executors() {
            return bestFigure == null ? List.of() : bestFigure.executors();
        }

        double best() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        /** One executor's rate in the best round, NaN where it did not measure. */
        double executorBest(String id) {
            return executors().stream().filter(r -> r.executorId().equals(id)).mapToDouble(CeilingSite.ExecutorRate::perSecond)
                    .findFirst().orElse(Double.NaN);
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
        for (Row r : spark.read().parquet(uri(stats)).collectAsList()) {
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
