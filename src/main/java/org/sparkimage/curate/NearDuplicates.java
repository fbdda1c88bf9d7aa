package org.sparkimage.curate;

import java.util.Random;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Near-duplicate pairs from embeddings: images whose embeddings point the same way, found by a
 * locality-sensitive hash and checked exactly.
 *
 * <p>The embeddings are centred (the mean embedding subtracted) and L2-normalised, so that
 * similarity is a cosine around the data's own centre. A MobileNetV2's pooled features come out of
 * a ReLU: raw embeddings all lie in one narrow cone, where unrelated images have cosines of 0.5 and
 * more; centred, unrelated images are near 0 (measured: docs/curation.md).
 *
 * <p>Why not MLlib's {@code BucketedRandomProjectionLSH}: it ORs its hash tables, each one random
 * projection, and has no AND-amplification (SPARK-18454 was never merged). On unit vectors in 1,280
 * dimensions a projection's spread is about 1/sqrt(1280) = 0.03, while a near-duplicate pair at
 * cosine 0.88 lies 0.49 apart: a bucket wide enough to keep such pairs together holds a third of
 * the data, and the join is quadratic (measured: every bucket length that kept 99 % of the pairs
 * made every pair a candidate). Here each table's key is {@link #bits} signs of random hyperplanes
 * (sign-random-projection, Charikar 2002): a pair at angle theta shares a bit with probability
 * {@code 1 - theta/pi}, so a key of 16 bits keeps a cosine-0.88 pair with probability 0.064 and an
 * unrelated one with 1.5e-5, and {@link #tables} keys ORed bring the near pair's recall back up
 * (64 tables: 0.986 at exactly the threshold, more above it) while unrelated candidates stay a tiny
 * fraction of all pairs. Candidates are then checked by their exact cosine; the self-pairs and the
 * second order are dropped, so each pair appears once with {@code path_a < path_b}.
 *
 * @param threshold cosine similarity (of centred embeddings) at which a pair is a near-duplicate
 * @param bits      hyperplane signs per table key (AND), 1..62
 * @param tables    keys per image (OR)
 * @param seed      the hyperplanes' seed
 */
public record NearDuplicates(double threshold, int bits, int tables, long seed) {
    /** Column: the first path of a pair. */
    public static final String PATH_A = "path_a";
    /** Column: the second path of a pair ({@code path_a < path_b}). */
    public static final String PATH_B = "path_b";
    /** Column: the pair's cosine similarity. */
    public static final String SIMILARITY = "similarity";
    /** Column: the centred, normalised embedding. */
    public static final String UNIT = "unit_embedding";

    /** Measured defaults: docs/curation.md. */
    public static final NearDuplicates DEFAULTS = new NearDuplicates(0.88, 16, 64, 7L);

    /** Checks the values; the messages name the CLI options. */
    public NearDuplicates {
        if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("--near-duplicate-similarity must be in (0, 1]");
        if (bits < 1 || bits > 62) throw new IllegalArgumentException("--lsh-bits must be in 1..62");
        if (tables < 1 || tables > 1024) throw new IllegalArgumentException("--lsh-tables must be in 1..1024");
    }

    /**
     * The unit vectors the pairs are measured on: centred, then normalised.
     *
     * @param rows one row per image with {@code pathCol} and {@code embeddingCol} (an ML Vector)
     * @return {@code pathCol} and {@link #UNIT}
     */
    public Dataset<Row> unitVectors(Dataset<Row> rows, String pathCol, String embeddingCol) {
        PipelineStage[] stages = {new StandardScaler().setWithMean(true).setWithStd(false).setInputCol(embeddingCol).setOutputCol("_centred"),
                new Normalizer().setP(2).setInputCol("_centred").setOutputCol(UNIT)};
        return new Pipeline().setStages(stages).fit(rows).transform(rows).select(functions.col(pathCol), functions.col(UNIT));
    }

    /**
     * Every pair at or above {@link #threshold}, once.
     *
     * @param unit one row per image with {@code pathCol} and {@link #UNIT}, as {@link #unitVectors} gives
     * @return {@link #PATH_A}, {@link #PATH_B}, {@link #SIMILARITY}
     */
    public Dataset<Row> pairs(Dataset<Row> unit, String pathCol) {
        int dims = ((Vector) unit.select(UNIT).first().get(0)).size();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(unit.sparkSession().sparkContext());
        Broadcast<float[][]> planes = jsc.broadcast(hyperplanes(dims));
        int b = bits;
        UserDefinedFunction keys = functions.udf((UDF1<Vector, long[]>) v -> keys(v, planes.value(), b),
                DataTypes.createArrayType(DataTypes.LongType, false));
        Dataset<Row> keyed = unit.select(functions.col(pathCol).as("_p"), functions.explode(keys.apply(functions.col(UNIT))).as("_k"));
        Dataset<Row> candidates = keyed.as("a").join(keyed.as("b"), functions.col("a._k").equalTo(functions.col("b._k"))
                        .and(functions.col("a._p").lt(functions.col("b._p"))))
                .select(functions.col("a._p").as(PATH_A), functions.col("b._p").as(PATH_B)).distinct();
        Column cosine = dot().apply(functions.col("_ua"), functions.col("_ub"));
        return candidates
                .join(unit.select(functions.col(pathCol).as(PATH_A), functions.col(UNIT).as("_ua")), PATH_A)
                .join(unit.select(functions.col(pathCol).as(PATH_B), functions.col(UNIT).as("_ub")), PATH_B)
                .select(functions.col(PATH_A), functions.col(PATH_B), cosine.as(SIMILARITY))
                .filter(functions.col(SIMILARITY).geq(threshold));
    }

    /** {@code tables x bits} random hyperplanes (Gaussian normals), seeded. */
    private float[][] hyperplanes(int dims) {
        Random r = new Random(seed);
        float[][] p = new float[tables * bits][dims];
        for (float[] plane : p) for (int j = 0; j < dims; j++) plane[j] = (float) r.nextGaussian();
        return p;
    }

    /** One key per table: the table's number above its {@code bits} hyperplane signs. */
    static long[] keys(Vector v, float[][] planes, int bits) {
        double[] x = v.toArray();
        int tables = planes.length / bits;
        long[] keys = new long[tables];
        for (int t = 0; t < tables; t++) {
            long key = 0;
            for (int i = 0; i < bits; i++) {
                float[] plane = planes[t * bits + i];
                double s = 0;
                for (int j = 0; j < x.length; j++) s += plane[j] * x[j];
                key = (key << 1) | (s >= 0 ? 1 : 0);
            }
            keys[t] = ((long) t << bits) | key;
        }
        return keys;
    }

    /** The dot product of two vectors of one size: their cosine, for unit vectors. */
    static UserDefinedFunction dot() {
        return functions.udf((UDF2<Vector, Vector, Double>) (a, b) -> {
            double s = 0;
            for (int i = 0; i < a.size(); i++) s += a.apply(i) * b.apply(i);
            return s;
        }, DataTypes.DoubleType);
    }
}
