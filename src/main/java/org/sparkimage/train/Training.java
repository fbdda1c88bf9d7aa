package org.sparkimage.train;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.ml.LogisticRegressionExport;
import org.sparkimage.model.LinearHeadModel;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.setup.JobException;
import org.sparkimage.util.Sha256;

/**
 * The driver side of one training run: check the output and the backbone, resolve the labeled
 * input ({@link LabeledInput}), embed it or reuse the cache ({@link EmbeddingCache}), join the labels
 * ({@link TrainingData}), fit and validate the head ({@link HeadTrainer}), then write the model,
 * {@code metrics.json}, {@code report.html}, the MLlib model and the validation rows. Everything a
 * user can get wrong is refused before an image is read; the results are written to a staging
 * folder and moved into place only when all of them are complete.
 */
public final class Training {
    /** The trained model in the output folder. */
    public static final String MODEL_FILE = "model.onnx";
    /** The metrics in the output folder. */
    public static final String METRICS_FILE = "metrics.json";
    /** The report in the output folder. */
    public static final String REPORT_FILE = "report.html";
    /** The fitted MLlib pipeline over raw embeddings (feature scale + regression; Spark's own format) in the output folder. */
    public static final String MLLIB_MODEL = "mllib-model";
    /** The validation rows with MLlib's probabilities (Parquet) in the output folder. */
    public static final String VALIDATION = "validation";
    /** The default embeddings cache in the output folder. */
    public static final String CACHE = "embeddings";
    /** ONNX metadata key with the training provenance and metrics (JSON). */
    public static final String META_TRAINING = "training";

    private Training() {}

    /**
     * Trains.
     *
     * @param console where progress lines go
     * @throws JobException for what the user can fix (the exit code says what)
     */
    public static TrainingSummary run(SparkSession spark, TrainOptions o, PrintStream console) throws JobException, IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path out = new Path(o.output());
        FileSystem fs = out.getFileSystem(hadoop);
        Path cacheDir = o.cache() != null ? new Path(o.cache()) : new Path(out, CACHE);
        if (fs.exists(out) && !o.overwrite()) {
            throw new JobException(JobException.EXIT_OUTPUT_EXISTS, "output " + o.output() + " exists; pass --overwrite to replace it"
                    + " (its embeddings cache is kept when it still fits)");
        }
        ModelBundle backbone = backbone(o.model(), o.modelCard(), hadoop);
        LabeledInput.Labeled labeled = o.input() != null ? LabeledInput.folders(o.input(), hadoop, console, o.run().progressSeconds())
                : LabeledInput.table(spark, o.labels(), hadoop);
        if (o.corrections() != null) labeled = LabeledInput.corrected(labeled, spark, o.corrections(), hadoop);
        LabeledInput.check(labeled);
        clearOutput(fs, out, cacheDir); // only once everything the user gave has been checked
        console.printf("training on %d files in %d classes %s%n", labeled.files().size(), labeled.countsPerClass().size(),
                labeled.countsPerClass());

        EmbeddingCache cache = new EmbeddingCache(spark, cacheDir.getFileSystem(hadoop), cacheDir);
        String key = EmbeddingCache.key(backbone, o.embedding(), labeled.files());
        EmbeddingCache.State state = cache.ensure(key, backbone, o.embedding(), labeled.files(), o.run(), console);

        TrainingData data = TrainingData.of(spark, cache.rows(), labeled.labels());
        data.requireTrainable();
        long start = System.nanoTime();
        HeadTrainer.Fit fit = new HeadTrainer(o.training()).fit(data.ok(), data.perClass());
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        ValidationMetrics metrics = validationMetrics(fit, data.classes());

        TrainingSummary summary = TrainingSummary.of(o, labeled, data, state, fit, metrics, backbone, trainSeconds,
                digest(key, data));
        String name = o.name() != null ? o.name() : backbone.card().name() + "+"
                + (data.classes().size() <= 6 ? String.join("-", data.classes()) : data.classes().size() + "-classes");
        LinearHeadModel head = LogisticRegressionExport.head(fit.model(), data.classes(), fit.features().mask());
        byte[] model = head.write(backbone.bytes(), name, "head trained by scripts/train.sh (MLlib multinomial LogisticRegression)"
                + " on the pooled features of " + backbone.card().name(), Map.of(META_TRAINING, summary.provenanceJson()));
        summary = summary.withModel(name, Sha256.hex(model));
        write(spark, fs, out, model, summary, fit);
        console.printf(Locale.ROOT, "trained %s: validation accuracy %.3f, macro-F1 %.3f on %d images (regParam %s); wrote %s%n",
                name, metrics.accuracy(), metrics.macroF1(), metrics.rows(), fit.regParam(), new Path(out, MODEL_FILE));
        return summary;
    }

    /**
     * The training step alone, on embedding rows someone else made: joins the labels, splits,
     * cross-validates, fits and measures, as {@link #run} does after embedding, and writes nothing
     * (for the benchmark's memory and time figures at sizes no test embeds).
     *
     * @param rows   embedding rows as the cache holds them: path, status, error_code, error_message, embedding
     * @param labels class by path
     * @return the held-out metrics
     */
    public static ValidationMetrics fitOnly(SparkSession spark, org.apache.spark.sql.Dataset<Row> rows, Map<String, String> labels,
                                            TrainSettings settings) throws JobException {
        TrainingData data = TrainingData.of(spark, rows, labels);
        data.requireTrainable();
        return validationMetrics(new HeadTrainer(settings).fit(data.ok(), data.perClass()), data.classes());
    }

    /**
     * An output to overwrite loses everything but its caches (each kept if its key still fits: the
     * next run checks).
     *
     * @param keep the cache folders, inside {@code out} or not
     */
    public static void clearOutput(FileSystem fs, Path out, Path... keep) throws IOException {
        if (!fs.exists(out)) return;
        java.util.Set<Path> kept = new java.util.HashSet<>();
        for (Path k : keep) {
            try {
                kept.add(fs.makeQualified(k));
            } catch (IllegalArgumentException e) {
                // the cache lies on another file system: nothing in the output to keep
            }
        }
        for (FileStatus child : fs.listStatus(out)) {
            if (!kept.contains(fs.makeQualified(child.getPath()))) fs.delete(child.getPath(), true);
        }
    }

    /**
     * The backbone: an fp32 MobileNetV2 this product wrote or imported, with a features output.
     *
     * @param model     {@code default} or a model file (any Hadoop URI)
     * @param modelCard its card, or null for the one in the model
     * @throws JobException exit 5 otherwise
     */
    public static ModelBundle backbone(String model, java.nio.file.Path modelCard, Configuration hadoop) throws JobException {
        ModelBundle bundle;
        try {
            bundle = ModelBundle.resolve(model, modelCard, hadoop);
        } catch (IOException | RuntimeException e) {
            throw new JobException(JobException.EXIT_MODEL, "cannot use model '" + model + "': " + e.getMessage());
        }
        if (bundle.precision() != Precision.FP32) {
            throw new JobException(JobException.EXIT_MODEL, "model '" + model + "' is " + bundle.precision()
                    + "; train on the fp32 model (int8 of the trained model is --precision int8 when classifying)");
        }
        try {
            bundle = bundle.written();
            WrittenModel.read(bundle.bytes());
        } catch (RuntimeException e) {
            throw new JobException(JobException.EXIT_MODEL, "model '" + model + "' is not a MobileNetV2 this product can read"
                    + " (one it wrote or imported, or an ONNX export it recognises): " + e.getMessage());
        }
        if (bundle.card().output().features() == null) {
            throw new JobException(JobException.EXIT_MODEL, "the card of model '" + model + "' names no features output");
        }
        return bundle;
    }

    private static ValidationMetrics validationMetrics(HeadTrainer.Fit fit, List<String> classes) {
        List<Row> rows = fit.validation().select(HeadTrainer.LABEL_INDEX, "probability").collectAsList();
        int[] truth = new int[rows.size()];
        double[][] probability = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            truth[i] = (int) rows.get(i).getDouble(0);
            probability[i] = ((Vector) rows.get(i).get(1)).toArray();
        }
        return ValidationMetrics.of(classes, truth, probability);
    }

    /** The training set: the cache key (backbone, files, decode settings) and every (path, label) trained or validated on. */
    private static String digest(String cacheKey, TrainingData data) {
        java.security.MessageDigest d = Sha256.digest();
        d.update(cacheKey.getBytes(StandardCharsets.UTF_8));
        for (Row r : data.ok().select(TrainingData.PATH, TrainingData.LABEL).orderBy(TrainingData.PATH).collectAsList()) {
            d.update((r.getString(0) + "\t" + r.getString(1) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return java.util.HexFormat.of().formatHex(d.digest());
    }

    /** Writes every result into a staging folder, then moves each into place. */
    private static void write(SparkSession spark, FileSystem fs, Path out, byte[] model, TrainingSummary summary,
                              HeadTrainer.Fit fit) throws IOException {
        Path staging = new Path(out, "_staging");
        if (fs.exists(staging)) fs.delete(staging, true);
        fs.mkdirs(staging);
        writeFile(fs, new Path(staging, MODEL_FILE), model);
        writeFile(fs, new Path(staging, METRICS_FILE), summary.toJson().getBytes(StandardCharsets.UTF_8));
        writeFile(fs, new Path(staging, REPORT_FILE), TrainingReport.html(summary).getBytes(StandardCharsets.UTF_8));
        fit.pipeline().write().overwrite().save(new Path(staging, MLLIB_MODEL).toString());
        fit.validation().withColumn("probability", org.apache.spark.ml.functions.vector_to_array(
                        org.apache.spark.sql.functions.col("probability"), "float64"))
                .coalesce(1).write().parquet(new Path(staging, VALIDATION).toString());
        for (String name : List.of(MLLIB_MODEL, VALIDATION, METRICS_FILE, REPORT_FILE, MODEL_FILE)) {
            if (!fs.rename(new Path(staging, name), new Path(out, name))) throw new IOException("could not move " + name + " into " + out);
        }
        fs.delete(staging, true);
    }

    private static void writeFile(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (OutputStream o = fs.create(file, true)) {
            o.write(bytes);
        }
    }
}
