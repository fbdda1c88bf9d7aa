package org.sparkimage.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.util.JsonFiles;

/**
 * What a training run did, in one place: {@code metrics.json} is its JSON, the report draws it, and
 * the model's {@code training} metadata is its deterministic part ({@link #provenanceJson()}: no
 * timings, so the same inputs give the same model bytes).
 *
 * @param name            the trained model's name
 * @param modelSha256     sha256 of the written ONNX model (null until written)
 * @param backbone        the backbone as given ({@code default} or a path)
 * @param backboneSha256  sha256 of its bytes
 * @param classes         class names in index order
 * @param perClass        ok images per class, in index order
 * @param validationPerClass validation images per class, in index order
 * @param data            counts of what was read: files, images, errors, unlabeled, corrections
 * @param failed          the files that did not decode (path, label, error code, message)
 * @param validation      the held-out metrics
 * @param curve           the cross-validated metrics per grid point
 * @param regParam        the chosen regularisation
 * @param settings        the training settings
 * @param embedding       the embedding step: seconds, images/s, whether the cache was reused
 * @param trainSeconds    wall seconds of splitting, cross-validating and fitting
 * @param trainingSetSha256 digest of the cache key and every (path, label) trained or validated on
 */
public record TrainingSummary(String name, String modelSha256, String backbone, String backboneSha256, List<String> classes,
                              long[] perClass, long[] validationPerClass, Map<String, Long> data, List<FailedFile> failed,
                              ValidationMetrics validation, List<HeadTrainer.CurvePoint> curve, double regParam,
                              TrainSettings settings, EmbeddingCache.State embedding, double trainSeconds, String trainingSetSha256) {

    /** A file left out of training because it did not decode. */
    public record FailedFile(String path, String label, String errorCode, String errorMessage) {}

    static TrainingSummary of(TrainOptions o, LabeledInput.Labeled labeled, TrainingData data, EmbeddingCache.State state,
                              HeadTrainer.Fit fit, ValidationMetrics metrics, ModelBundle backbone, double trainSeconds,
                              String digest) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("files", (long) labeled.files().size());
        counts.put("images", state.images());
        counts.put("failed", (long) data.failed().size());
        counts.put("trained", fit.trainRows());
        counts.put("validated", metrics.rows());
        counts.put("files_without_class", labeled.unlabeled());
        counts.put("images_without_label", data.unlabeledRows());
        counts.put("labels_corrected", labeled.corrected());
        counts.put("files_removed_by_corrections", labeled.removed());
        counts.put("corrections_matching_no_file", labeled.unmatched());
        counts.put("features_used", (long) fit.features().used());
        List<FailedFile> failed = new ArrayList<>();
        for (Row r : data.failed()) failed.add(new FailedFile(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
        long[] validationPerClass = metrics.perClass().stream().mapToLong(ValidationMetrics.ClassMetrics::support).toArray();
        return new TrainingSummary(null, null, o.model(), backbone.sha256(), data.classes(), data.perClass(), validationPerClass,
                counts, List.copyOf(failed), metrics, fit.curve(), fit.regParam(), o.training(), state, trainSeconds, digest);
    }

    /** A copy naming the written model. */
    TrainingSummary withModel(String modelName, String sha256) {
        return new TrainingSummary(modelName, sha256, backbone, backboneSha256, classes, perClass, validationPerClass, data, failed,
                validation, curve, regParam, settings, embedding, trainSeconds, trainingSetSha256);
    }

    /** {@code metrics.json}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", ordered("name", name, "file", Training.MODEL_FILE, "sha256", modelSha256));
        m.putAll(deterministic());
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("embedding_seconds", embedding.seconds());
        timing.put("embedding_images_per_second", embedding.imagesPerSecond());
        timing.put("embeddings_cache_reused", embedding.reused());
        timing.put("training_seconds", trainSeconds);
        m.put("timing", timing);
        List<Map<String, Object>> files = new ArrayList<>();
        for (FailedFile f : failed) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", f.path());
            e.put("label", f.label());
            e.put("error_code", f.errorCode());
            e.put("error_message", f.errorMessage());
            files.add(e);
        }
        m.put("failed_files", files);
        return JsonFiles.writePretty(m);
    }

    /** The model's {@code training} metadata: classes, counts, metrics, MLlib parameters, provenance; nothing timed. */
    public String provenanceJson() {
        return JsonFiles.writeCompact(deterministic());
    }

    private Map<String, Object> deterministic() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backbone", ordered("model", backbone, "sha256", backboneSha256));
        m.put("training_set_sha256", trainingSetSha256);
        m.put("classes", classes);
        Map<String, Object> perClassCounts = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            perClassCounts.put(classes.get(i), ordered("images", perClass[i], "train", perClass[i] - validationPerClass[i],
                    "validation", validationPerClass[i]));
        }
        m.put("images_per_class", perClassCounts);
        m.put("data", data);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("rows", validation.rows());
        v.put("accuracy", validation.accuracy());
        v.put("macro_f1", validation.macroF1());
        v.put("log_loss", validation.logLoss());
        List<Map<String, Object>> pc = new ArrayList<>();
        for (ValidationMetrics.ClassMetrics c : validation.perClass()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", c.label());
            e.put("support", c.support());
            e.put("precision", c.precision());
            e.put("recall", c.recall());
            e.put("f1", c.f1());
            pc.add(e);
        }
        v.put("per_class", pc);
        v.put("confusion_matrix", validation.confusion());
        m.put("validation", v);
        Map<String, Object> sel = new LinkedHashMap<>();
        sel.put("metric", "log_loss (mean over folds, lower is better)");
        sel.put("folds", settings.folds());
        sel.put("validation_fraction", settings.validationFraction());
        sel.put("chosen_reg_param", regParam);
        List<Map<String, Object>> points = new ArrayList<>();
        for (HeadTrainer.CurvePoint p : curve) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("reg_param", p.regParam());
            e.put("log_loss", p.logLoss());
            e.put("log_loss_std", p.logLossStd());
            e.put("accuracy", p.accuracy());
            e.put("accuracy_std", p.accuracyStd());
            points.add(e);
        }
        sel.put("curve", points);
        m.put("selection", sel);
        Map<String, Object> mllib = new LinkedHashMap<>();
        mllib.put("estimator", "org.apache.spark.ml.classification.LogisticRegression");
        mllib.put("family", "multinomial");
        mllib.put("standardization", true);
        mllib.put("features_left_out", "std < " + settings.minSpread() + " x median std (an ElementwiseProduct mask before the"
                + " regression, folded into the exported weights)");
        mllib.put("elasticNetParam", 0.0);
        mllib.put("regParam", regParam);
        mllib.put("maxIter", settings.maxIter());
        mllib.put("tol", settings.tolerance());
        mllib.put("class_weights", settings.balanced() ? "balanced: n / (classes * n_class)" : "none");
        m.put("mllib", mllib);
        return m;
    }

    /** A map that keeps its keys' order (Map.of does not: metadata bytes would vary run to run). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
