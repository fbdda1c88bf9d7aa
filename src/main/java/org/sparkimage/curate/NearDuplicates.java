package org.sparkimage.curate;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Near-duplicate pairs from embeddings: images whose embeddings point the same way, found by MLlib's
 * {@code BucketedRandomProjectionLSH.approxSimilarityJoin} and checked exactly.
 *
 * <p>The embeddings are first centred (the mean embedding subtracted), optionally reduced by PCA,
 * then L2-normalised, so that the Euclidean distance the LSH measures is a cosine:
 * {@code cos = 1 - d^2 / 2}. Centring matters twice: a MobileNetV2's pooled features come out of a
 * ReLU, so raw embeddings all lie in one narrow cone (unrelated photographs have cosines of 0.5 and
 * more, which leaves a near-duplicate threshold little room), and in that cone the random
 * projections of all images fall into a few buckets, which makes the join quadratic. Centred, the
 * projections spread over many buckets, and unrelated images have cosines near 0.
 *
 * <p>The self-join's own pairs {@code (a, a)} and the second order {@code (b, a)} are dropped: a pair
 * is kept once, with {@code path_a < path_b}. MLlib ORs its hash tables and has no AND-amplification
 * (SPARK-18454 was never merged), so every table's buckets are joined in full: {@code bucketLength}
 * trades a bucket's crowd (time) against the chance that a near pair falls in one bucket (recall),
 * and more tables buy recall back. docs/curation.md has the measured choice.
 *
 * @param threshold     cosine similarity (after centring and PCA) at which a pair is a near-duplicate
 * @param pcaDimensions principal components kept; 0 keeps the full embedding
 * @param bucketLength  the LSH bucket width on the unit sphere
 * @param hashTables    LSH hash tables (ORed)
 * @param seed          the projections' seed
 */
public record NearDuplicates(double threshold, int pcaDimensions, double bucketLength, int hashTables, long seed) {
    /** Column: the first path of a pair. */
    public static final String PATH_A = "path_a";
    /** Column: the second path of a pair ({@code path_a < path_b}). */
    public static final String PATH_B = "path_b";
    /** Column: the pair's cosine similarity. */
    public static final String SIMILARITY = "similarity";
    /** Column: the centred, reduced and normalised embedding. */
    public static final String UNIT = "unit_embedding";

    /** Measured defaults: docs/curation.md. */
    public static final NearDuplicates DEFAULTS = new NearDuplicates(0.90, 64, 0.5, 8, 7L);

    /** Checks the values; the messages name the CLI options. */
    public NearDuplicates {
        if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("--near-duplicate-similarity must be in (0, 1]");
        if (pcaDimensions < 0) throw new IllegalArgumentException("--pca-dimensions must be >= 0");
        if (!(bucketLength > 0)) throw new IllegalArgumentException("--lsh-bucket-length must be > 0");
        if (hashTables < 1) throw new IllegalArgumentException("--lsh-tables must be >= 1");
    }

    /**
     * The unit vectors the pairs are measured on: centred, reduced, normalised.
     *
     * @param rows        one row per image with {@code pathCol} and {@code embeddingCol} (an ML Vector)
     * @return {@code pathCol} and {@link #UNIT}
     */
    public Dataset<Row> unitVectors(Dataset<Row> rows, String pathCol, String embeddingCol) {
        long n = rows.count();
        int dims = pcaDimensions > 0 ? (int) Math.min(pcaDimensions, Math.max(1, n - 1)) : 0;
        PipelineStage centre = new StandardScaler().setWithMean(true).setWithStd(false).setInputCol(embeddingCol).setOutputCol("_centred");
        PipelineStage[] stages = dims > 0
                ? new PipelineStage[] {centre, new PCA().setK(dims).setInputCol("_centred").setOutputCol("_reduced"),
                        new Normalizer().setP(2).setInputCol("_reduced").setOutputCol(UNIT)}
                : new PipelineStage[] {centre, new Normalizer().setP(2).setInputCol("_centred").setOutputCol(UNIT)};
        PipelineModel model = new Pipeline().setStages(stages).fit(rows);
        return model.transform(rows).select(functions.col(pathCol), functions.col(UNIT));
    }

    /**
     * Every pair at or above {@link #threshold}, once.
     *
     * @param unit one row per image with {@code pathCol} and {@link #UNIT}, as {@link #unitVectors} gives
     * @return {@link #PATH_A}, {@link #PATH_B}, {@link #SIMILARITY}
     */
    public Dataset<Row> pairs(Dataset<Row> unit, String pathCol) {
        BucketedRandomProjectionLSHModel lsh = new BucketedRandomProjectionLSH().setBucketLength(bucketLength)
                .setNumHashTables(hashTables).setSeed(seed).setInputCol(UNIT).setOutputCol("_hashes").fit(unit);
        double distance = Math.sqrt(Math.max(0, 2 - 2 * threshold));
        Dataset<Row> joined = lsh.approxSimilarityJoin(unit, unit, distance + 1e-9, "_distance").toDF();
        Column a = functions.col("datasetA." + pathCol);
        Column b = functions.col("datasetB." + pathCol);
        Column d = functions.col("_distance");
        return joined.filter(a.lt(b))
                .select(a.as(PATH_A), b.as(PATH_B), functions.lit(1.0).minus(d.multiply(d).divide(2)).as(SIMILARITY));
    }
}
