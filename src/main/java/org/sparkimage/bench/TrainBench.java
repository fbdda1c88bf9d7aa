package org.sparkimage.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.train.TrainOptions;
import org.sparkimage.train.TrainSettings;
import org.sparkimage.train.Training;
import org.sparkimage.train.TrainingSummary;
import org.sparkimage.util.CommandLines;
import org.sparkimage.util.JsonFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-train.sh}: what teaching the model costs next to labeling with it, in one
 * JVM and one session. Makes a labeled corpus of ImageNet-sized JPEGs (class folders, from the
 * shipped labeled set), then per round runs the classify job and the train command on it, in
 * alternating order, and reports the embedding step's images/s against the job's and the training
 * seconds against the embedding seconds (medians of the rounds, with each round's figures). Then
 * the training step alone on a table of {@code --memory-rows} embeddings (the corpus' own, repeated
 * under other paths), with this JVM's peak heap and resident set: in local mode the driver is the
 * executor. The corpus upscales the 128-pixel sources and repeats each (mirrored on the second
 * pass): its accuracy means nothing, its speed does.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true, description = "Embedding and training speed against the classify job.")
public final class TrainBench implements Callable<Integer> {
    @Option(names = "--output", required = true, description = "Work and result folder (bench-train.json).")
    Path output;
    @Option(names = "--sources", required = true, description = "A folder per class of source images (the shipped labeled set).")
    Path sources;
    @Option(names = "--images", defaultValue = "10000", description = "Corpus images in all. Default: ${DEFAULT-VALUE}.")
    int images;
    @Option(names = "--rounds", defaultValue = "2", description = "Rounds of classify + train. Default: ${DEFAULT-VALUE}.")
    int rounds;
    @Option(names = "--memory-rows", defaultValue = "100000", description = "Embedding rows of the training-only memory run (0: skip)."
            + " Default: ${DEFAULT-VALUE}.")
    int memoryRows;
    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master;

    private final PrintStream console;

    TrainBench(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        Path corpus = corpus();
        SparkSession spark = SparkSessions.start("bench-train", master, Map.of("spark.ui.enabled", "false"));
        try {
            List<Map<String, Object>> perRound = new ArrayList<>();
            List<Double> classifyRate = new ArrayList<>();
            List<Double> embedRate = new ArrayList<>();
            List<Double> trainOverEmbed = new ArrayList<>();

            for (int r = 0; r < rounds; r++) {
                boolean classifyFirst = r % 2 == 0;
                JobSummary job = null;
                TrainingSummary train = null;
                for (int step = 0; step < 2; step++) {
                    if ((step == 0) == classifyFirst) job = classify(spark, corpus, r);
                    else train = train(spark, corpus, r);
                }

                Map<String, Object> m = new LinkedHashMap<>();
                m.put("round", r + 1);
                m.put("order", classifyFirst ? "classify, train" : "train, classify");
                m.put("classify_images_per_second", job.imagesPerSecond());
                m.put("embedding_images_per_second", train.embedding().imagesPerSecond());
                m.put("embedding_seconds", train.embedding().seconds());
                m.put("training_seconds", train.trainSeconds());
                perRound.add(m);
                classifyRate.add(job.imagesPerSecond());
                embedRate.add(train.embedding().imagesPerSecond());
                trainOverEmbed.add(train.trainSeconds() / train.embedding().seconds());
                console.printf(Locale.ROOT, "round %d (%s): classify %.1f images/s, embedding %.1f images/s (%.3fx), training %.1f s"
                        + " = %.3fx embedding%n", r + 1, m.get("order"), job.imagesPerSecond(), train.embedding().imagesPerSecond(),
                        train.embedding().imagesPerSecond() / job.imagesPerSecond(), train.trainSeconds(),
                        train.trainSeconds() / train.embedding().seconds());
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("images", images);
            result.put("master", master);
            result.put("rounds", perRound);
            result.put("median_classify_images_per_second", median(classifyRate));
            result.put("median_embedding_images_per_second", median(embedRate));
            result.put("embedding_over_classify", median(embedRate) / median(classifyRate));
            result.put("training_over_embedding_seconds", median(trainOverEmbed));
            if (memoryRows > 0) result.put("memory", memory(spark, output.resolve("train-" + (rounds - 1)).resolve("embeddings-fresh/rows")));
            Files.writeString(output.resolve("bench-train.json"), JsonFiles.writePretty(result), StandardCharsets.UTF_8);
            console.printf(Locale.ROOT, "embedding / classify: %.3f (goal >= 0.95); training / embedding seconds: %.3f (goal <= 0.1)%n",
                    result.get("embedding_over_classify"), result.get("training_over_embedding_seconds"));
            console.println("wrote " + output.resolve("bench-train.json"));
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** Class folders of ImageNet-sized JPEGs, {@code images} in all, made once. */
    private Path corpus() throws IOException {
        Path corpus = output.resolve("corpus");
        List<Path> classes;
        try (var s = Files.list(sources)) {
            classes = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path c : classes) {
            int n = images / classes.size();
            CorpusMaker.make(c, CorpusMaker.Kind.IMAGENET, n, n, corpus.resolve(c.getFileName().toString()), 64);
        }
        return corpus;
    }

    private JobSummary classify(SparkSession spark, Path corpus, int round) throws Exception {
        JobOptions o = JobOptions.of(corpus.toString(), output.resolve("classify-" + round).toString());
        o = o.withRun(new JobOptions.Run(null, 0, JobOptions.DEFAULT_COMMIT_EVERY, JobOptions.OutputMode.OVERWRITE, 0, Map.of(),
                o.run().readAhead(), null, o.run().format()));
        return ClassificationJob.run(spark, o, quiet());
    }

    private TrainingSummary train(SparkSession spark, Path corpus, int round) throws Exception {
        TrainOptions o = TrainOptions.of(corpus.toString(), output.resolve("train-" + round).toString()).overwriting()
                .withCache(output.resolve("train-" + round).resolve("embeddings-fresh").toString());
        Path cache = output.resolve("train-" + round).resolve("embeddings-fresh");
        if (Files.exists(cache)) deleteTree(cache); // every round embeds
        return Training.run(spark, o, quiet());
    }

    /**
     * The training step alone on {@code memoryRows} rows: the corpus' embeddings repeated under
     * other paths (each copy its own file name, so the split stays stratified), with peak heap and
     * resident set sampled while it runs.
     */
    private Map<String, Object> memory(SparkSession spark, Path cacheRows) throws Exception {
        Dataset<Row> base = spark.read().parquet(cacheRows.toString());
        long n = base.count();
        int copies = (int) Math.max(1, (memoryRows + n - 1) / n);
        Dataset<Row> rows = null;
        for (int k = 0; k < copies; k++) {
            Dataset<Row> copy = base.withColumn("path", functions.concat(functions.col("path"), functions.lit("#" + k)));
            rows = rows == null ? copy : rows.unionByName(copy);
        }
        rows = rows.limit(memoryRows).cache();
        Map<String, String> labels = new HashMap<>();
        for (Row r : rows.select("path").collectAsList()) {
            String p = r.getString(0);
            String file = p.substring(0, p.lastIndexOf('#'));
            String dir = file.substring(0, file.lastIndexOf('/'));
            labels.put(p, dir.substring(dir.lastIndexOf('/') + 1));
        }
        long count = rows.count();
        System.gc();
        Map<String, Object> m = new LinkedHashMap<>();
        try (MemorySampler sampler = new MemorySampler()) {
            long start = System.nanoTime();
            Training.fitOnly(spark, rows, labels, TrainSettings.DEFAULTS);
            m.put("training_seconds", (System.nanoTime() - start) / 1e9);
            m.put("rows", count);
            m.put("peak_heap_mb", sampler.samples().stream().mapToDouble(MemorySampler.Sample::heapMb).max().orElse(-1));
            m.put("peak_rss_mb", sampler.samples().stream().mapToDouble(MemorySampler.Sample::rssMb).max().orElse(-1));
        }
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
        rows.unpersist();
        console.printf(Locale.ROOT, "training alone on %d embeddings: %.1f s, peak heap %.0f MB, peak RSS %.0f MB (one JVM: driver = executor)%n",
                count, m.get("training_seconds"), m.get("peak_heap_mb"), m.get("peak_rss_mb"));
        return m;
    }

    private static double median(List<Double> v) {
        return CorpusResult.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream());
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    /** The command line. */
    public static void main(String[] args) {
        System.exit(CommandLines.execute(new TrainBench(System.out), System.out, "bench-train failed", args));
    }
}
