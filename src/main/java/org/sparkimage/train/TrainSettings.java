package org.sparkimage.train;

import java.util.Arrays;

/**
 * How a head is trained and validated; defined and defaulted here once (the {@code train} command's
 * options take these).
 *
 * @param regParams          the regularisation grid (MLlib {@code regParam}, L2 on standardised features)
 * @param folds              cross-validation folds on the training rows (at least 2)
 * @param validationFraction share of each class held out for validation, in (0, 0.5]
 * @param maxIter            L-BFGS iterations at most per fit
 * @param tolerance          L-BFGS convergence tolerance
 * @param balanced           weight classes by {@code n / (classes * n_class)}
 * @param seed               CrossValidator's seed (folds are fixed by hash, so it matters little)
 * @param parallelism        cross-validation fits run at once
 * @param minSpread          features whose standard deviation is below this times the median one are left out
 *                           ({@link FeatureMask}); 0 = every feature with any spread
 */
public record TrainSettings(double[] regParams, int folds, double validationFraction, int maxIter, double tolerance,
                            boolean balanced, long seed, int parallelism,
                            double minSpread) {
    /**
     * The default grid: from almost no penalty to a strong one. 1280 standardised features and a few
     * hundred images overfit without it (measured: a training set fitted perfectly, 0.57 held out).
     */
    public static final double[] DEFAULT_REG_PARAMS = {1e-4, 1e-3, 1e-2, 1e-1, 1};
    /** Folds unless asked otherwise. */
    public static final int DEFAULT_FOLDS = 3;
    /** Held out per class unless asked otherwise. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
    /** Iterations unless asked otherwise: enough for the default grid to converge on 1280 features. */
    public static final int DEFAULT_MAX_ITER = 200;
    /** Tolerance unless asked otherwise. */
    public static final double DEFAULT_TOLERANCE = 1e-6;
    /**
     * Cross-validation fits at once unless asked otherwise: a fit on a small table runs each L-BFGS
     * iteration as one task on one core, so several side by side keep the cores busy (measured on
     * 2 cores, the shipped set's 16 fits: 137 s one at a time over 4 partitions each, 38 s four at a
     * time over one partition each).
     */
    public static final int DEFAULT_PARALLELISM = 4;

    /**
     * Features left out unless asked otherwise: those under a quarter of the median spread (about a
     * quarter of the default backbone's; {@link FeatureMask} says why).
     */
    public static final double DEFAULT_MIN_SPREAD = 0.25;

    /** The defaults. */
    public static final TrainSettings DEFAULTS = new TrainSettings(DEFAULT_REG_PARAMS, DEFAULT_FOLDS,
            DEFAULT_VALIDATION_FRACTION, DEFAULT_MAX_ITER, DEFAULT_TOLERANCE, false, 1L, DEFAULT_PARALLELISM,
            DEFAULT_MIN_SPREAD);

    /** Checks the values; the messages name the CLI options. */
    public TrainSettings {
        regParams = regParams.clone();
        if (regParams.length == 0) throw new IllegalArgumentException("--reg-params needs at least one value");
        for (double r : regParams) {
            if (!(r >= 0) || Double.isInfinite(r)) throw new IllegalArgumentException("--reg-params must be >= 0, got " + r);
        }
        if (folds < 2) throw new IllegalArgumentException("--folds must be >= 2");
        if (!(validationFraction > 0 && validationFraction <= 0.5)) {
            throw new IllegalArgumentException("--validation-fraction must be in (0, 0.5]");
        }
        if (maxIter < 1) throw new IllegalArgumentException("--max-iter must be >= 1");
        if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0");
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1");
        if (!(minSpread >= 0 && minSpread <= 1)) throw new IllegalArgumentException("--min-spread must be in [0, 1]");
    }

    @Override
    public double[] regParams() {
        return regParams.clone();
    }

    /**
     * MLlib's multinomial regression as a head is fitted here and in curation's cross-fitting: L2 on
     * standardised features ({@code standardization=true}, no elastic net), this run's iterations
     * and tolerance. The caller sets the columns (and the weight column for balanced classes).
     */
    public org.apache.spark.ml.classification.LogisticRegression regression(double regParam) {
        return new org.apache.spark.ml.classification.LogisticRegression().setFamily("multinomial").setStandardization(true)
                .setElasticNetParam(0.0).setRegParam(regParam).setMaxIter(maxIter).setTol(tolerance);
    }

    /** A copy with another grid, number of folds and parallelism (curation's cross-fitting defaults). */
    public TrainSettings withFits(double[] grid, int k, int parallel) {
        return new TrainSettings(grid, k, validationFraction, maxIter, tolerance, balanced, seed, parallel, minSpread);
    }

    /** A copy with class weights on or off. */
    public TrainSettings withBalanced(boolean on) {
        return new TrainSettings(regParams, folds, validationFraction, maxIter, tolerance, on, seed, parallelism, minSpread);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainSettings t && Arrays.equals(regParams, t.regParams) && folds == t.folds
                && validationFraction == t.validationFraction && maxIter == t.maxIter && tolerance == t.tolerance
                && balanced == t.balanced && seed == t.seed && parallelism == t.parallelism
                && minSpread == t.minSpread;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(regParams) * 31 + java.util.Objects.hash(folds, validationFraction, maxIter, tolerance, balanced, seed,
                parallelism, minSpread);
    }

    @Override
    public String toString() {
        return "TrainSettings[regParams=" + Arrays.toString(regParams) + ", folds=" + folds + ", validationFraction="
                + validationFraction + ", maxIter=" + maxIter + ", tolerance=" + tolerance + ", balanced=" + balanced + ", minSpread=" + minSpread + "]";
    }
}
