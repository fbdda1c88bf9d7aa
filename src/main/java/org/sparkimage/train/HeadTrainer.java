package org.sparkimage.train;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits MLlib's multinomial {@code LogisticRegression} on the embeddings, validated honestly:
 * <ol>
 *   <li>a stratified validation split, held out from everything else: per class, the files with the
 *   lowest hash of their name (so a rerun holds out the same files wherever the dataset lies, and
 *   adding files moves few);</li>
 *   <li>the regularisation picked on the rest by k-fold cross-validation (folds stratified the same
 *   way; what MLlib's {@code CrossValidator} does with a fold column, done here so that each grid
 *   point's spread over the folds and its accuracy are reported too), by log loss, which separates
 *   grid points that accuracy on a few hundred images would tie;</li>
 *   <li>the chosen model refitted on all training rows, then measured once on the validation
 *   split.</li>
 * </ol>
 * Features are standardised inside the regression ({@code standardization=true}: MLlib penalises
 * the standardised coefficients and returns them on the original scale), after near-dead features
 * are left out ({@link FeatureMask}); the export folds the mask into the head's weights. Optional
 * class weights ({@code n / (classes * n_class)}) for imbalanced classes.
 */
final class HeadTrainer {
    /** Column names of the training table. */
    static final String LABEL_INDEX = "label_index";
    static final String WEIGHT = "weight";
    static final String FOLD = "fold";
    static final String VALIDATION = "is_validation";

    private final TrainSettings settings;

    HeadTrainer(TrainSettings settings) {
        this.settings = settings;
    }

    /**
     * What training gave.
     *
     * @param features   the features the regression may use
     * @param model      the regression refitted on all training rows with the chosen regParam, on masked features
     * @param regParam   the chosen regularisation
     * @param curve      the cross-validated metrics per grid point, in grid order
     * @param validation the validation rows with MLlib's {@code probability} and {@code prediction}
     * @param trainRows  rows trained on
     */
    record Fit(FeatureMask features, LogisticRegressionModel model, double regParam, List<CurvePoint> curve, Dataset<Row> validation,
               long trainRows) {
        /** The mask and the regression as one MLlib pipeline over raw embeddings (what {@code mllib-model/} holds). */
        PipelineModel pipeline() {
            return new PipelineModel(Identifiable.randomUID("headPipeline"), new Transformer[] {features.transformer(), model});
        }
    }

    /**
     * One grid point of the validation curve: mean and standard deviation over the folds.
     *
     * @param regParam the grid point
     * @param logLoss  mean log loss on the held-out fold (what picks the grid point)
     * @param logLossStd its spread over the folds
     * @param accuracy mean accuracy on the held-out fold
     * @param accuracyStd its spread over the folds
     */
    record CurvePoint(double regParam, double logLoss, double logLossStd, double accuracy, double accuracyStd) {}

    /**
     * Splits, cross-validates and fits.
     *
     * @param data     ok rows: path, label, {@link #LABEL_INDEX} (a double) and embedding
     * @param perClass rows per class index (label indices 0..classes-1)
     */
    Fit fit(Dataset<Row> data, long[] perClass) {
        Dataset<Row> split = assign(data, perClass);
        FeatureMask features = FeatureMask.fit(split.filter(functions.not(functions.col(VALIDATION))), TrainingData.EMBEDDING,
                settings.minSpread());
        Dataset<Row> assigned = features.transformer().transform(split).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> train = assigned.filter(functions.not(functions.col(VALIDATION)));
            Dataset<Row> validation = assigned.filter(functions.col(VALIDATION));
            long trainRows = train.count();
            List<CurvePoint> curve = crossValidate(train);
            CurvePoint best = curve.get(0);
            for (CurvePoint p : curve) if (p.logLoss() < best.logLoss()) best = p;
            LogisticRegressionModel model = regression(best.regParam()).fit(train);
            Dataset<Row> scored = model.transform(validation).select(TrainingData.PATH, TrainingData.LABEL, LABEL_INDEX,
                    "probability", "prediction");
            return new Fit(features, model, best.regParam(), List.copyOf(curve), scored.localCheckpoint(true), trainRows);
        } finally {
            assigned.unpersist();
        }
    }

    /**
     * For every grid point and fold: fits on the other folds and measures on the fold left out. A
     * fit on up to {@value #ROWS_PER_PARTITION} rows is one task per L-BFGS iteration, one core, so
     * the fits run {@link TrainSettings#parallelism()} at a time (as
     * {@code CrossValidator.setParallelism} does); each fit is deterministic, so the result does not
     * depend on the order they finish in.
     */
    private List<CurvePoint> crossValidate(Dataset<Row> train) {
        double[] grid = settings.regParams();
        int folds = settings.folds();
        double[][] logLoss = new double[grid.length][folds];
        double[][] accuracy = new double[grid.length][folds];
        List<Runnable> fits = new ArrayList<>();
        for (int g = 0; g < grid.length; g++) {
            for (int k = 0; k < folds; k++) {
                int gi = g;
                int fold = k;
                fits.add(() -> {
                    Column inFold = functions.col(FOLD).equalTo(fold);
                    Dataset<Row> scored = regression(grid[gi]).fit(train.filter(functions.not(inFold)))
                            .transform(train.filter(inFold));
                    logLoss[gi][fold] = evaluator("logLoss").evaluate(scored);
                    accuracy[gi][fold] = evaluator("accuracy").evaluate(scored);
                });
            }
        }
        ParallelFits.run(settings.parallelism(), "train-cross-validation", fits);
        List<CurvePoint> curve = new ArrayList<>();
        for (int g = 0; g < grid.length; g++) {
            curve.add(new CurvePoint(grid[g], mean(logLoss[g]), std(logLoss[g]), mean(accuracy[g]), std(accuracy[g])));
        }
        return List.copyOf(curve);
    }

    /**
     * Partitions of the training table: one per {@value #ROWS_PER_PARTITION} rows. Each L-BFGS
     * iteration is a Spark job over every partition, and on small tables the tasks' fixed cost is
     * all of it; counted from the rows, so the same data sums in the same order on any cluster.
     */
    private static int partitions(long rows) {
        return (int) Math.max(1, Math.min(64, (rows + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
    }

    private static final long ROWS_PER_PARTITION = 25_000;

    private LogisticRegression regression(double reg) {
        LogisticRegression lr = settings.regression(reg).setFeaturesCol(FeatureMask.MASKED).setLabelCol(LABEL_INDEX);
        return settings.balanced() ? lr.setWeightCol(WEIGHT) : lr;
    }

    private static MulticlassClassificationEvaluator evaluator(String metric) {
        return new MulticlassClassificationEvaluator().setMetricName(metric).setLabelCol(LABEL_INDEX);
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / Math.max(1, v.length - 1));
    }

    /**
     * Adds the validation flag, the fold of each training row and the class weight. Within a class,
     * rows are ranked by a hash of the file's name; the first {@code max(1, round(n * fraction))} (never all
     * of them) validate, the rest are dealt to the folds in turn. The ranking runs on paths and
     * labels only (the embeddings join back after), so a large class never drags its vectors through
     * one task. The result is partitioned by path and sorted within partitions, so that the
     * regression sums in the same order on every run: the same inputs give the same model, bit for
     * bit.
     *
     * @param perClass rows per class index
     */
    private Dataset<Row> assign(Dataset<Row> data, long[] perClass) {
        WindowSpec byClass = Window.partitionBy(LABEL_INDEX);
        Column n = functions.count(functions.lit(1)).over(byClass);
        Column held = functions.least(n.minus(1), functions.greatest(functions.lit(1L),
                functions.round(n.multiply(settings.validationFraction())).cast("long")));
        Column name = functions.regexp_extract(functions.col(TrainingData.PATH), "[^/]*$", 0);
        Column rank = functions.row_number().over(byClass.orderBy(functions.xxhash64(name), name, functions.col(TrainingData.PATH)));
        Dataset<Row> keys = data.select(TrainingData.PATH, LABEL_INDEX).withColumn("_held", held).withColumn("_rank", rank)
                .select(functions.col(TrainingData.PATH),
                        functions.col("_rank").leq(functions.col("_held")).as(VALIDATION),
                        functions.pmod(functions.col("_rank").minus(functions.col("_held")).minus(1),
                                functions.lit(settings.folds())).cast("int").as(FOLD));
        long total = java.util.Arrays.stream(perClass).sum();
        Column[] weights = new Column[perClass.length];
        for (int c = 0; c < perClass.length; c++) {
            weights[c] = functions.lit(settings.balanced() ? (double) total / (perClass.length * (double) perClass[c]) : 1.0);
        }
        // MLlib reads the number of classes from the label's metadata: every fold then has them all.
        Column label = functions.col(LABEL_INDEX).as(LABEL_INDEX,
                NominalAttribute.defaultAttr().withName(LABEL_INDEX).withNumValues(perClass.length).toMetadata());
        return data.join(keys, TrainingData.PATH)
                .withColumn(WEIGHT, functions.element_at(functions.array(weights), functions.col(LABEL_INDEX).cast("int").plus(1)))
                .withColumn(LABEL_INDEX, label)
                .repartition(partitions(total), functions.col(TrainingData.PATH)).sortWithinPartitions(TrainingData.PATH);
    }
}
