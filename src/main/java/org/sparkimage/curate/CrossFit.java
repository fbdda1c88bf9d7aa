package org.sparkimage.curate;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.sparkimage.train.ParallelFits;
import org.sparkimage.train.TrainSettings;

/**
 * Out-of-sample class probabilities for every labeled image, by k-fold cross-fitting MLlib heads on
 * the embeddings (what cleanlab asks of its caller, and what scikit-learn's
 * {@code cross_val_predict} gives): each image's probabilities come from a head that never saw it.
 * <ul>
 *   <li>Folds by a hash of the path ({@code pmod(xxhash64(path), k)}): a rerun gives the same
 *   folds wherever the data lies, and adding files moves no other file's fold.</li>
 *   <li>The regularisation is picked from the grid by the out-of-sample log loss of the
 *   cross-fitted probabilities themselves (every grid point is a full cross-fit; the one with the
 *   lowest log loss over all images gives the probabilities). That reuses the fits, at the price
 *   of a slightly optimistic log loss for the chosen point, which nothing downstream reads.</li>
 *   <li>Each fit is the head {@code train} fits ({@link TrainSettings#regression}: multinomial,
 *   L2 on standardised features), without the feature mask: no ONNX export follows, so near-dead
 *   features cost nothing here (MLlib gives a constant feature no weight).</li>
 * </ul>
 * Fits run {@link TrainSettings#parallelism()} at a time ({@link ParallelFits}).
 */
public final class CrossFit {
    /** Column: the fold an image was held out in. */
    public static final String FOLD = "fold";
    /** Column: the out-of-sample probabilities, in class-index order ({@code array<double>}). */
    public static final String PROBABILITIES = "probabilities";

    private CrossFit() {}

    /**
     * One grid point: the cross-fitted probabilities' log loss and accuracy over all images.
     *
     * @param regParam the grid point
     * @param logLoss  mean negative log probability of the given label
     * @param accuracy share of images whose most probable class is the given one
     */
    public record GridPoint(double regParam, double logLoss, double accuracy) {}

    /**
     * What cross-fitting gave.
     *
     * @param rows     every input row with {@link #FOLD} and {@link #PROBABILITIES} (checkpointed)
     * @param regParam the chosen grid point
     * @param curve    every grid point, in grid order
     */
    public record Result(Dataset<Row> rows, double regParam, List<GridPoint> curve) {}

    /**
     * Cross-fits.
     *
     * @param data       one row per labeled image: {@code pathCol}, {@code labelIndexCol} (0..classes-1, any numeric type)
     *                   and {@code featuresCol} (an ML Vector); other columns are kept
     * @param classes    number of classes
     * @param settings   the grid ({@code regParams}), k ({@code folds}), iterations, tolerance and parallelism
     */
    public static Result fit(Dataset<Row> data, String pathCol, String labelIndexCol, String featuresCol, int classes,
                             TrainSettings settings) {
        int k = settings.folds();
        double[] grid = settings.regParams();
        // MLlib reads the number of classes from the label's metadata, so a fold that lacks a class still fits them all.
        Column label = functions.col(labelIndexCol).cast("double").as(labelIndexCol,
                NominalAttribute.defaultAttr().withName(labelIndexCol).withNumValues(classes).toMetadata());
        Dataset<Row> folded = data.withColumn(labelIndexCol, label)
                .withColumn(FOLD, functions.pmod(functions.xxhash64(functions.col(pathCol)), functions.lit(k)).cast("int"))
                .repartition(partitions(data), functions.col(pathCol)).sortWithinPartitions(pathCol)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            LogisticRegressionModel[][] models = new LogisticRegressionModel[grid.length][k];
            double[][] lossSum = new double[grid.length][k];
            long[][] hits = new long[grid.length][k];
            long[][] rows = new long[grid.length][k];
            List<Runnable> fits = new ArrayList<>();
            for (int g = 0; g < grid.length; g++) {
                for (int f = 0; f < k; f++) {
                    int gi = g;
                    int fold = f;
                    fits.add(() -> {
                        Column in = functions.col(FOLD).equalTo(fold);
                        LogisticRegressionModel m = settings.regression(grid[gi]).setFeaturesCol(featuresCol).setLabelCol(labelIndexCol)
                                .fit(folded.filter(functions.not(in)));
                        models[gi][fold] = m;
                        Row r = scored(m, folded.filter(in), labelIndexCol).agg(
                                functions.sum(functions.negate(functions.log(functions.greatest(givenProbability(labelIndexCol),
                                        functions.lit(1e-15))))),
                                functions.sum(functions.when(functions.col("prediction").equalTo(functions.col(labelIndexCol)), 1)
                                        .otherwise(0)),
                                functions.count(functions.lit(1))).first();
                        lossSum[gi][fold] = r.isNullAt(0) ? 0 : r.getDouble(0);
                        hits[gi][fold] = r.isNullAt(1) ? 0 : r.getLong(1);
                        rows[gi][fold] = r.getLong(2);
                    });
                }
            }
            ParallelFits.run(settings.parallelism(), "curate-cross-fit", fits);
            List<GridPoint> curve = new ArrayList<>();
            int best = 0;
            for (int g = 0; g < grid.length; g++) {
                long n = java.util.Arrays.stream(rows[g]).sum();
                curve.add(new GridPoint(grid[g], java.util.Arrays.stream(lossSum[g]).sum() / n,
                        (double) java.util.Arrays.stream(hits[g]).sum() / n));
                if (curve.get(g).logLoss() < curve.get(best).logLoss()) best = g;
            }
            Dataset<Row> out = null;
            for (int f = 0; f < k; f++) {
                Dataset<Row> part = scored(models[best][f], folded.filter(functions.col(FOLD).equalTo(f)), labelIndexCol)
                        .drop("rawPrediction", "probability", "prediction");
                out = out == null ? part : out.unionByName(part);
            }
            return new Result(out.localCheckpoint(true), grid[best], List.copyOf(curve));
        } finally {
            folded.unpersist();
        }
    }

    /** A fold's rows with MLlib's columns and {@link #PROBABILITIES} as an array. */
    private static Dataset<Row> scored(LogisticRegressionModel m, Dataset<Row> rows, String labelIndexCol) {
        return m.transform(rows).withColumn(PROBABILITIES, org.apache.spark.ml.functions.vector_to_array(
                functions.col("probability"), "float64"));
    }

    private static Column givenProbability(String labelIndexCol) {
        return functions.element_at(functions.col(PROBABILITIES), functions.col(labelIndexCol).cast("int").plus(1));
    }

    /** One partition per 25,000 rows (as training sizes its table): each L-BFGS iteration is a job over all of them. */
    private static int partitions(Dataset<Row> data) {
        long rows = data.count();
        return (int) Math.max(1, Math.min(64, (rows + 24_999) / 25_000));
    }
}
