package org.sparkimage.curate;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.setup.JobException;
import org.sparkimage.train.EmbeddingCache;
import org.sparkimage.train.LabeledInput;
import org.sparkimage.train.TrainSettings;
import org.sparkimage.train.Training;
import org.sparkimage.train.TrainingData;

/**
 * The driver side of one curation pass over a labeled dataset: check what the user gave, embed (or
 * reuse the embeddings cache that {@code train} shares), hash the files, cross-fit heads for
 * out-of-sample probabilities ({@link CrossFit}), find label issues ({@link LabelIssues}) and
 * duplicate groups ({@link Duplicates}), then write every table, the exports and the review page
 * into a staging folder and move them into place only when all are complete, so no table is
 * half-written.
 */
public final class Curation {
    /** Every labeled image's out-of-sample probabilities, confident-learning columns and uncertainty. */
    public static final String OUT_OF_SAMPLE = "out_of_sample";
    /** The label issues, ranked. */
    public static final String LABEL_ISSUES = "label_issues";
    /** The duplicate groups. */
    public static final String DUPLICATES = "duplicates";
    /** Label Studio tasks with the out-of-sample predictions. */
    public static final String LABEL_STUDIO = "label-studio.json";
    /** The Label Studio labeling configuration the tasks fit. */
    public static final String LABEL_STUDIO_CONFIG = "label-studio-config.xml";
    /** path, label, probability (the out-of-sample prediction) and the given label, as CSV. */
    public static final String PREDICTIONS_CSV = "predictions.csv";
    /** Counts, thresholds, the confident joint, the grid, timings. */
    public static final String SUMMARY = "curation.json";
    /** The review page's folder. */
    public static final String REVIEW = "review";
    /** The content hashes' folder (reused while the input is the same). */
    public static final String HASHES = "content-hashes";

    private Curation() {}

    /**
     * Runs the pass.
     *
     * @param console where progress lines go
     * @return the summary written to {@value #SUMMARY}
     * @throws JobException for what the user can fix (the exit code says what)
     */
    public static Map<String, Object> run(SparkSession spark, CurateOptions o, PrintStream console) throws JobException, IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path out = new Path(o.output());
        FileSystem fs = out.getFileSystem(hadoop);
        Path cacheDir = o.cache() != null ? new Path(o.cache()) : new Path(out, Training.CACHE);
        if (fs.exists(out) && !o.overwrite()) {
            throw new JobException(JobException.EXIT_OUTPUT_EXISTS, "output " + o.output() + " exists; pass --overwrite to replace it"
                    + " (its embeddings cache is kept when it still fits)");
        }
        ModelBundle backbone = Training.backbone(o.model(), o.modelCard(), hadoop);
        LabeledInput.Labeled labeled = o.input() != null ? LabeledInput.folders(o.input(), hadoop, console, o.run().progressSeconds())
                : LabeledInput.table(spark, o.labels(), hadoop);
        if (o.corrections() != null) labeled = LabeledInput.corrected(labeled, spark, o.corrections(), hadoop);
        LabeledInput.check(labeled);
        Training.clearOutput(fs, out, cacheDir, new Path(out, HASHES));
        console.printf("curating %d files in %d classes %s%n", labeled.files().size(), labeled.countsPerClass().size(),
                labeled.countsPerClass());
        Map<String, Double> seconds = new LinkedHashMap<>();
        EmbeddingCache cache = new EmbeddingCache(spark, cacheDir.getFileSystem(hadoop), cacheDir);
        String key = EmbeddingCache.key(backbone, o.embedding(), labeled.files());
        EmbeddingCache.State state = cache.ensure(key, backbone, o.embedding(), labeled.files(), o.run(), console);
        if (!state.reused()) seconds.put("embedding", state.seconds());
        Dataset<Row> hashes = null;
        if (o.exact() && o.near() != null) {
            long t = System.nanoTime();
            hashes = new ContentHashes(spark, fs, new Path(out, HASHES)).ensure(key, labeled.files(), o.embedding(), o.run());
            lap(seconds, "content_hashes", t);
        }
        Analysis a = analyse(spark, cache.rows(), labeled.labels(), hashes, o.crossFit(), o.near(), console, seconds);
        Map<String, Object> summary = CurationSummary.of(o, labeled, a.data(), state, a.fit(), a.issues(), a.duplicates(), seconds);
        CurationOutput.write(spark, fs, out, o, a.data().classes(), a.outOfSample(), a.issues(), a.duplicates(), summary, console);
        return summary;
    }

    /**
     * What the analysis found, before anything is written.
     *
     * @param data        the labeled, decoded rows and the classes
     * @param fit         the cross-fitting
     * @param issues      confident learning's result
     * @param duplicates  the duplicate groups, or null when not asked
     * @param outOfSample the {@value #OUT_OF_SAMPLE} table (lazy)
     */
    public record Analysis(TrainingData data, CrossFit.Result fit, LabelIssues.Found issues, Duplicates.Found duplicates,
                           Dataset<Row> outOfSample) {}

    /**
     * The analysis alone, on embedding rows someone else made (the benchmark's synthetic 100,000):
     * joins the labels, cross-fits, finds label issues and duplicates, writes nothing.
     *
     * @param rows    embedding rows as the cache holds them: path, status, error_code, error_message, embedding
     * @param labels  class by path
     * @param hashes  content hashes ({@link ContentHasher#SCHEMA}), or null
     * @param near    the near-duplicate search, or null to skip duplicates
     * @param seconds each step's seconds are put here
     * @throws JobException exit 2 when the decoded rows leave fewer than two classes, or a class under two images
     */
    public static Analysis analyse(SparkSession spark, Dataset<Row> rows, Map<String, String> labels, Dataset<Row> hashes,
                                   TrainSettings crossFit, NearDuplicates near, PrintStream console,
                                   Map<String, Double> seconds) throws JobException {
        long t = System.nanoTime();
        TrainingData data = TrainingData.of(spark, rows, labels);
        data.requireTrainable();
        List<String> classes = data.classes();
        console.printf("cross-fitting %d heads (%d folds x %d grid points) on %d images%n", crossFit.folds() * crossFit.regParams().length,
                crossFit.folds(), crossFit.regParams().length, java.util.Arrays.stream(data.perClass()).sum());
        CrossFit.Result fit = CrossFit.fit(data.ok(), TrainingData.PATH, TrainingData.LABEL_INDEX, TrainingData.EMBEDDING,
                classes.size(), crossFit);
        t = lap(seconds, "cross_fit", t);
        LabelIssues.Found issues = LabelIssues.find(fit.rows(), TrainingData.PATH, TrainingData.LABEL_INDEX, CrossFit.PROBABILITIES,
                classes);
        long issueCount = issues.count();
        t = lap(seconds, "label_issues", t);
        console.printf(Locale.ROOT, "label issues: %d of %d images (regParam %s)%n", issueCount, issues.scored().count(), fit.regParam());
        Duplicates.Found dups = null;
        if (near != null) {
            Dataset<Row> embedded = rows.filter(functions.col(PredictionSchema.STATUS).equalTo(PredictionSchema.OK))
                    .select(PredictionSchema.PATH, PredictionSchema.EMBEDDING);
            dups = Duplicates.find(embedded, PredictionSchema.EMBEDDING, hashes, near);
            lap(seconds, "duplicates", t);
            console.printf("duplicates: %d exact pairs, %d near pairs%n", dups.exactPairs(), dups.nearPairs());
        }
        return new Analysis(data, fit, issues, dups, outOfSample(issues.scored(), classes));
    }

    /** The out-of-sample table: readable columns first, the probabilities and uncertainty after. */
    private static Dataset<Row> outOfSample(Dataset<Row> scored, List<String> classes) {
        Column classNames = functions.array(classes.stream().map(functions::lit).toArray(Column[]::new));
        Column confident = functions.col(LabelIssues.CONFIDENT_INDEX);
        return scored.select(
                functions.col(TrainingData.PATH),
                functions.col(TrainingData.LABEL).as(LabelIssues.GIVEN),
                functions.col(LabelIssues.PREDICTED),
                functions.col(LabelIssues.PREDICTED_PROBABILITY),
                functions.col(LabelIssues.SELF_CONFIDENCE),
                functions.when(confident.geq(0), functions.element_at(classNames, confident.plus(1))).as("confident_label"),
                functions.col(LabelIssues.IS_ISSUE),
                Uncertainty.leastConfidence(CrossFit.PROBABILITIES).as(Uncertainty.LEAST_CONFIDENCE),
                Uncertainty.margin(CrossFit.PROBABILITIES).as(Uncertainty.MARGIN),
                Uncertainty.entropy(CrossFit.PROBABILITIES).as(Uncertainty.ENTROPY),
                functions.col(CrossFit.FOLD),
                functions.col(CrossFit.PROBABILITIES));
    }

    /** Records the seconds since {@code since} as {@code step}'s and returns now. */
    private static long lap(Map<String, Double> seconds, String step, long since) {
        long now = System.nanoTime();
        seconds.put(step, (now - since) / 1e9);
        return now;
    }
}
