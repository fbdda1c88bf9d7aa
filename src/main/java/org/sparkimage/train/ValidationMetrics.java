package org.sparkimage.train;

import java.util.ArrayList;
import java.util.List;

/**
 * How the head did on the held-out validation split: accuracy, macro-F1, log loss, per-class
 * precision/recall/F1 and the confusion matrix. Computed from the (small) validation rows on the
 * driver, so that every figure is exact and none depends on a metric's default weighting.
 *
 * @param rows      validation rows
 * @param accuracy  share of rows whose top-1 is their label
 * @param macroF1   the unweighted mean of the classes' F1
 * @param logLoss   mean negative log probability of the true class (clipped at 1e-15)
 * @param perClass  one entry per class, in index order
 * @param confusion {@code confusion[true][predicted]} counts
 */
public record ValidationMetrics(long rows, double accuracy, double macroF1, double logLoss, List<ClassMetrics> perClass,
                                long[][] confusion) {

    /**
     * One class.
     *
     * @param label     its name
     * @param support   validation rows of that class
     * @param precision of the rows predicted as it, the share that are it (0 when none is predicted)
     * @param recall    of its rows, the share predicted as it
     * @param f1        harmonic mean of the two (0 when both are 0)
     */
    public record ClassMetrics(String label, long support, double precision, double recall, double f1) {}

    /**
     * Measures.
     *
     * @param labels      class names in index order
     * @param truth       true class index per row
     * @param probability class probabilities per row
     */
    public static ValidationMetrics of(List<String> labels, int[] truth, double[][] probability) {
        int k = labels.size();
        long[][] confusion = new long[k][k];
        double loss = 0;
        long correct = 0;
        for (int i = 0; i < truth.length; i++) {
            int predicted = argmax(probability[i]);
            confusion[truth[i]][predicted]++;
            if (predicted == truth[i]) correct++;
            loss -= Math.log(Math.max(1e-15, probability[i][truth[i]]));
        }
        List<ClassMetrics> perClass = new ArrayList<>(k);
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long support = 0;
            long predictedAs = 0;
            for (int j = 0; j < k; j++) {
                support += confusion[c][j];
                predictedAs += confusion[j][c];
            }
            double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            f1Sum += f1;
            perClass.add(new ClassMetrics(labels.get(c), support, precision, recall, f1));
        }
        int n = truth.length;
        return new ValidationMetrics(n, n == 0 ? 0 : (double) correct / n, f1Sum / k, n == 0 ? 0 : loss / n,
                List.copyOf(perClass), confusion);
    }

    /** The first index of the largest value. */
    static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
