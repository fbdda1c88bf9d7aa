package org.sparkimage.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.ml.MobileNetV2Classifier;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.sql.ImageFunctions;

/**
 * The entry points compared on one corpus in one SparkSession (local[N], the image functions
 * enabled): the CLI job, the ML transformer over {@code binaryFile}, the per-row SQL function
 * {@code classify_image} over {@code binaryFile} and the batched table function
 * {@code classify_images(TABLE(binaryFile...))}, each writing its rows to Parquet. Rounds alternate
 * the four; the first is a warm-up and is not counted. Prints images/s (median of the counted
 * rounds) and each path's ratio to the job's.
 *
 * <p>args: {@code <source photos> <count> <work dir> [rounds=3] [master=local[2]]}; the corpus is
 * {@code count} ImageNet-sized JPEGs made by {@link CorpusMaker} from the source photos.
 */
public final class SqlPathBench {
    private SqlPathBench() {}

    /** Runs the comparison and prints the table. */
    public static void main(String[] args) throws Exception {
        Path sources = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String master = args.length > 4 ? args[4] : "local[2]";
        String corpus = CorpusMaker.make(sources, CorpusMaker.Kind.IMAGENET, count, Math.min(count, 200), work.resolve("corpus"))
                .toAbsolutePath().toString();
        SparkSession spark = SparkSession.builder().master(master).appName("sql-path-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.extensions", ImageFunctions.class.getName()).getOrCreate();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            Path out = work.resolve("round-" + round);
            JobOptions jobOptions = JobOptions.of(corpus, out.resolve("job").toString());
            jobOptions = jobOptions.withRun(withOverwrite(jobOptions.run()));
            JobOptions o = jobOptions;
            double job = time(() -> ClassificationJob.run(spark, o, quiet));
            double ml = time(() -> write(new MobileNetV2Classifier().setInputCol("content")
                    .transform(spark.read().format("binaryFile").load(corpus)).select("path", "classification"), out.resolve("ml")));
            double sql = time(() -> write(spark.sql("SELECT path, classify_image(content) AS classification FROM binaryFile.`"
                    + corpus + "`"), out.resolve("sql")));
            double tvf = time(() -> write(spark.sql("SELECT path, classification FROM classify_images(TABLE(binaryFile.`"
                    + corpus + "`), 'content')"), out.resolve("tvf")));
            System.out.printf("round %d%s: job %.2f s, transformer %.2f s, sql %.2f s, sql tvf %.2f s%n", round,
                    round == 0 ? " (warm-up)" : "", job, ml, sql, tvf);
            if (round == 0) continue;
            rates.computeIfAbsent("CLI job", k -> new ArrayList<>()).add(count / job);
            rates.computeIfAbsent("transformer (binaryFile)", k -> new ArrayList<>()).add(count / ml);
            rates.computeIfAbsent("SQL classify_image (per row)", k -> new ArrayList<>()).add(count / sql);
            rates.computeIfAbsent("SQL classify_images (table function, batched)", k -> new ArrayList<>()).add(count / tvf);
        }
        double base = median(rates.get("CLI job"));
        System.out.printf("%d ImageNet-sized JPEGs, %s, %d counted rounds%n| path | images/s (median) | vs CLI job |%n|---|---|---|%n",
                count, master, rounds);
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            System.out.printf("| %s | %.1f | %.2f |%n", e.getKey(), median(e.getValue()), median(e.getValue()) / base);
        }
        spark.stop();
    }

    private static JobOptions.Run withOverwrite(JobOptions.Run r) {
        return new JobOptions.Run(r.master(), r.partitions(), r.commitEvery(), JobOptions.OutputMode.OVERWRITE, r.progressSeconds(),
                r.sparkConf(), r.readAhead(), r.partitionBy(), r.format());
    }

    private interface Step {
        void run() throws Exception;
    }

    private static double time(Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void write(Dataset<Row> rows, Path out) {
        rows.write().mode("overwrite").parquet(out.toString());
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
