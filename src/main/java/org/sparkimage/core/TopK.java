package org.sparkimage.core;

import java.util.List;

/**
 * Softmax (when the model gives logits), the k best classes of one score row, and how unsure the
 * model is: the margin between the two best probabilities and the entropy of all of them (the
 * measures active learning ranks by; least confidence is {@code 1 - p_top1}).
 */
public final class TopK {
    private final int k;
    private final List<String> labels;
    private final boolean applySoftmax;

    /**
     * @param k            classes kept (at least 1, at most the labels)
     * @param labels       class names, index = class id
     * @param applySoftmax true when the model gives logits
     */
    public TopK(int k, List<String> labels, boolean applySoftmax) {
        this.k = Math.max(1, Math.min(k, labels.size()));
        this.labels = labels;
        this.applySoftmax = applySoftmax;
    }

    /**
     * The best {@code k} classes, best first, and the uncertainty of the whole distribution.
     *
     * @param margin  {@code p_top1 - p_top2} over all classes (1 with a single class)
     * @param entropy {@code -sum p ln p} over all classes
     */
    public record Result(int[] indices, float[] probabilities, List<String> labels, float margin, float entropy) {
        /** Classes kept. */
        public int size() { return indices.length; }
        /** Class id of the {@code i}-th best. */
        public int index(int i) { return indices[i]; }
        /** Probability of the {@code i}-th best. */
        public float probability(int i) { return probabilities[i]; }
        /** Label of the {@code i}-th best. */
        public String label(int i) { return labels.get(indices[i]); }
        /** {@code 1 - p_top1}. */
        public float leastConfidence() { return 1f - probabilities[0]; }
    }

    /** Scores of row {@code row} in a row-major [n][classes] array. */
    public Result of(float[] scores, int row) {
        int n = labels.size();
        int off = row * n;
        float[] p = new float[n];
        if (applySoftmax) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < n; c++) max = Math.max(max, scores[off + c]);
            double sum = 0;
            for (int c = 0; c < n; c++) sum += Math.exp(scores[off + c] - max);
            for (int c = 0; c < n; c++) p[c] = (float) (Math.exp(scores[off + c] - max) / sum);
        } else {
            System.arraycopy(scores, off, p, 0, n);
        }
        int[] idx = new int[k];
        float[] best = new float[k];
        java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(idx, -1);
        for (int c = 0; c < n; c++) {
            float v = p[c];
            if (!(v > best[k - 1]) && idx[k - 1] >= 0) continue;
            int pos = k - 1;
            while (pos > 0 && (idx[pos - 1] < 0 || v > best[pos - 1])) {
                best[pos] = best[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            best[pos] = v;
            idx[pos] = c;
        }
        return new Result(idx, best, labels, margin(p), entropy(p));
    }

    /** The best probability minus the second best (1 with a single class). */
    public static float margin(float[] p) {
        float first = Float.NEGATIVE_INFINITY;
        float second = 0f;
        for (float v : p) {
            if (v > first) {
                second = Math.max(second, first);
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }

    /** {@code -sum p ln p}, natural log, {@code 0 ln 0 = 0}. */
    public static float entropy(float[] p) {
        double h = 0;
        for (float v : p) if (v > 0) h -= v * Math.log(v);
        return (float) h;
    }
}
