package org.sparkimage.core;

import java.util.List;

/** Softmax (when the model gives logits) and the k best classes of one score row. */
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

    /** The best {@code k} classes, best first. */
    public record Result(int[] indices, float[] probabilities, List<String> labels) {
        /** Classes kept. */
        public int size() { return indices.length; }
        /** Class id of the {@code i}-th best. */
        public int index(int i) { return indices[i]; }
        /** Probability of the {@code i}-th best. */
        public float probability(int i) { return probabilities[i]; }
        /** Label of the {@code i}-th best. */
        public String label(int i) { return labels.get(indices[i]); }
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
        return new Result(idx, best, labels);
    }
}
