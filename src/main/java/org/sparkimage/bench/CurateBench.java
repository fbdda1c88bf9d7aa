package org.sparkimage.bench;

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
import java.util.Random;
import java.util.concurrent.Callable;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.curate.CurateOptions;
import org.sparkimage.curate.Curation;
import org.sparkimage.curate.Duplicates;
import org.sparkimage.curate.NearDuplicates;
import org.sparkimage.setup.SparkSessions;
import org.sparkimage.util.CommandLines;
import org.sparkimage.util.JsonFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-curate.sh}: how curation's analysis scales, on more embeddings than a test
 * can embed. Curates the shipped labeled set once (its embeddings are real), then runs the analysis
 * alone ({@link Curation#analyse}: cross-fitting, label issues, duplicates) on {@code --rows}
 * synthetic embeddings made from them, with the step seconds, peak heap and resident set. A
 * synthetic row of class c is {@code e_a + (e_b - e_c) / 2} for three random real embeddings of
 * class c, clipped at 0 as a ReLU's output is: the classes' spread and the features' scale stay
 * those of real images, and rows are distinct (no row repeats, so the duplicate search is not
 * handed thousands of planted copies). Their accuracy means nothing; their cost does.
 */
@Command(name = "bench-curate", mixinStandardHelpOptions = true, description = "Curation's analysis at scale.")
public final class CurateBench implements Callable<Integer> {
    @Option(names = "--output", required = true, description = "Work and result folder (bench-curate.json).")
    Path output;
    @Option(names = "--sources", required = true, description = "A folder per class of source images (the shipped labeled set).")
    Path sources;
    @Option(names = "--rows", defaultValue = "100000", description = "Synthetic embeddings. Default: ${DEFAULT-VALUE}.")
    int rows;
    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master;
    @Option(names = "--duplicates-only", description = "Time the duplicate search alone (no cross-fitting).")
    boolean duplicatesOnly;

    private final PrintStream console;

    CurateBench(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSessions.start("bench-curate", master, Map.of("spark.ui.enabled", "false"),
                org.sparkimage.setup.TableFormat.PARQUET);
        try {
            Path base = output.resolve("base");
            CurateOptions o = CurateOptions.of(sources.toString(), base.toString());
            o = new CurateOptions(o.input(), null, null, o.output(), null, o.model(), null, o.embedding(), o.run(), o.crossFit(), o.near(),
                    o.exact(), null, null, o.reviewLimit(), o.thumbSize(), true);
            // The real embeddings: a finished pass of an earlier run is reused.
            Object real = Files.exists(base.resolve(Curation.SUMMARY))
                    ? JsonFiles.parse(Files.readString(base.resolve(Curation.SUMMARY))).path("seconds")
                    : Curation.run(spark, o, console).get("seconds");
            Dataset<Row> synthetic = synthetic(spark, spark.read().parquet(base.resolve("embeddings/rows").toString()),
                    spark.read().parquet(base.resolve(Curation.OUT_OF_SAMPLE).toString()));
            Path table = output.resolve("synthetic");
            synthetic.write().mode("overwrite").parquet(table.toString());
            Dataset<Row> rowsTable = spark.read().parquet(table.toString());
            Map<String, String> labels = new HashMap<>();
            for (Row r : rowsTable.select("path", "label").collectAsList()) labels.put(r.getString(0), r.getString(1));
            Map<String, Double> seconds = new LinkedHashMap<>();
            Map<String, Object> result = new LinkedHashMap<>();
            System.gc();
            try (MemorySampler sampler = new MemorySampler()) {
                long start = System.nanoTime();
                result.put("rows", rows);
                if (duplicatesOnly) {
                    Duplicates.Found d = Duplicates.find(rowsTable.select("path", "embedding"), "embedding", null, NearDuplicates.DEFAULTS);
                    seconds.put("duplicates", (System.nanoTime() - start) / 1e9);
                    result.put("near_pairs", d.nearPairs());
                } else {
                    Curation.Analysis a = Curation.analyse(spark, rowsTable.drop("label"), labels, null, o.crossFit(),
                            NearDuplicates.DEFAULTS, console, seconds);
                    seconds.put("analysis", (System.nanoTime() - start) / 1e9);
                    result.put("label_issues", a.issues().count());
                    result.put("near_pairs", a.duplicates().nearPairs());
                }
                result.put("seconds", seconds);
                result.put("peak_heap_mb", sampler.samples().stream().mapToDouble(MemorySampler.Sample::heapMb).max().orElse(-1));
                result.put("peak_rss_mb", sampler.samples().stream().mapToDouble(MemorySampler.Sample::rssMb).max().orElse(-1));
            }
            result.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
            result.put("shipped_set_seconds", real);
            Files.writeString(output.resolve("bench-curate.json"), JsonFiles.writePretty(result), StandardCharsets.UTF_8);
            console.printf(Locale.ROOT, "analysis of %d synthetic embeddings: %s; peak heap %.0f MB, peak RSS %.0f MB%n", rows, seconds,
                    result.get("peak_heap_mb"), result.get("peak_rss_mb"));
            return 0;
        } finally {
            spark.stop();
        }
    }

    /**
     * {@code rows} synthetic embedding rows (path, status, error_code, error_message, embedding, label),
     * made in the tasks from the broadcast real embeddings (a driver-side list of 100,000 vectors
     * is a gigabyte), seeded by row number.
     */
    private Dataset<Row> synthetic(SparkSession spark, Dataset<Row> cache, Dataset<Row> outOfSample) {
        Map<String, List<double[]>> byClass = new LinkedHashMap<>();
        for (Row r : cache.join(outOfSample.select("path", "given_label"), "path").select("given_label", "embedding").collectAsList()) {
            byClass.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(((Vector) r.get(1)).toArray());
        }
        List<String> classes = new ArrayList<>(byClass.keySet());
        double[][][] base = new double[classes.size()][][];
        for (int c = 0; c < base.length; c++) base[c] = byClass.get(classes.get(c)).toArray(double[][]::new);
        org.apache.spark.broadcast.Broadcast<double[][][]> embeddings = org.apache.spark.api.java.JavaSparkContext
                .fromSparkContext(spark.sparkContext()).broadcast(base);
        String[] names = classes.toArray(String[]::new);
        StructType schema = new StructType().add("path", DataTypes.StringType).add("status", DataTypes.StringType)
                .add("error_code", DataTypes.StringType).add("error_message", DataTypes.StringType)
                .add("embedding", org.apache.spark.ml.linalg.SQLDataTypes.VectorType()).add("label", DataTypes.StringType);
        return spark.range(0, rows, 1, 16).toDF("i").map((org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> {
            long i = r.getLong(0);
            int c = (int) (i % names.length);
            double[][] e = embeddings.value()[c];
            Random random = new Random(42 + i);
            double[] a = e[random.nextInt(e.length)];
            double[] b = e[random.nextInt(e.length)];
            double[] d = e[random.nextInt(e.length)];
            double[] x = new double[a.length];
            for (int j = 0; j < x.length; j++) x[j] = Math.max(0, a[j] + (b[j] - d[j]) / 2);
            return RowFactory.create(String.format(Locale.ROOT, "synthetic:/%s/%07d", names[c], i), "ok", null, null, Vectors.dense(x),
                    names[c]);
        }, org.apache.spark.sql.Encoders.row(schema));
    }

    /** The command line; exits with its status. */
    public static void main(String[] args) {
        System.exit(CommandLines.execute(new CurateBench(System.out), System.out, "bench-curate: failed", args));
    }
}
