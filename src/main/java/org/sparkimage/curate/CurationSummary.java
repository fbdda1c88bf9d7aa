package org.sparkimage.curate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.sparkimage.train.EmbeddingCache;
import org.sparkimage.train.LabeledInput;
import org.sparkimage.train.TrainingData;

/**
 * {@code curation.json}: what went in, what each step found and what it cost, as one JSON object
 * (the page's header and a script's first read). Only small aggregates: counts, the thresholds, the
 * confident joint, the cross-fitting grid, the seconds per step, and the first failed files.
 */
final class CurationSummary {
    /** Failed files listed by name at most (the count is always exact). */
    static final int FAILED_LISTED = 100;

    private CurationSummary() {}

    static Map<String, Object> of(CurateOptions o, LabeledInput.Labeled labeled, TrainingData data, EmbeddingCache.State state,
                                  CrossFit.Result fit, LabelIssues.Found issues, Duplicates.Found dups, Map<String, Double> seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", o.input() != null ? o.input() : o.labels());
        if (o.corrections() != null) m.put("corrections", o.corrections());
        m.put("classes", data.classes());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("files", labeled.files().size());
        counts.put("images", state.images());
        counts.put("decode_errors", data.failed().size());
        counts.put("labeled_ok", java.util.Arrays.stream(data.perClass()).sum());
        counts.put("per_class", perClass(data));
        counts.put("files_without_class", labeled.unlabeled());
        counts.put("corrected", labeled.corrected());
        counts.put("removed_by_corrections", labeled.removed());
        counts.put("embeddings_reused", state.reused());
        m.put("data", counts);

        Map<String, Object> cf = new LinkedHashMap<>();
        cf.put("method", "k-fold cross-fitting of MLlib multinomial LogisticRegression on the embeddings, folds by xxhash64(path)");
        cf.put("folds", o.crossFit().folds());
        cf.put("reg_param", fit.regParam());
        List<Map<String, Object>> curve = new ArrayList<>();
        for (CrossFit.GridPoint p : fit.curve()) {
            curve.add(new LinkedHashMap<>(Map.of("reg_param", p.regParam(), "log_loss", p.logLoss(), "accuracy", p.accuracy())));
        }
        cf.put("curve", curve);
        m.put("cross_fit", cf);

        Map<String, Object> li = new LinkedHashMap<>();
        li.put("method", "confident learning, off-diagonal of the confident joint (cleanlab filter_by='confident_learning'),"
                + " ranked by self-confidence");
        li.put("issues", issues.count());
        li.put("thresholds", issues.thresholds());
        li.put("confident_joint", issues.joint());
        m.put("label_issues", li);

        if (dups != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("near_duplicate_similarity", o.near().threshold());
            d.put("lsh_bits", o.near().bits());
            d.put("lsh_tables", o.near().tables());
            d.put("exact_by_content_hash", o.exact());
            d.put("exact_pairs", dups.exactPairs());
            d.put("near_pairs", dups.nearPairs());
            List<Row> g = dups.groups().agg(functions.countDistinct(Duplicates.GROUP),
                    functions.count(functions.lit(1))).collectAsList();
            d.put("groups", g.get(0).getLong(0));
            d.put("images_in_groups", g.get(0).getLong(1));
            m.put("duplicates", d);
        }
        List<Map<String, String>> failed = new ArrayList<>();
        for (Row r : data.failed().subList(0, Math.min(FAILED_LISTED, data.failed().size()))) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("path", r.getString(0));
            f.put("error_code", r.getString(2));
            f.put("error_message", r.getString(3));
            failed.add(f);
        }
        m.put("failed", failed);
        m.put("seconds", seconds);
        return m;
    }

    private static Map<String, Long> perClass(TrainingData data) {
        Map<String, Long> m = new LinkedHashMap<>();
        long[] n = data.perClass();
        for (int i = 0; i < n.length; i++) m.put(data.classes().get(i), n[i]);
        return m;
    }
}
