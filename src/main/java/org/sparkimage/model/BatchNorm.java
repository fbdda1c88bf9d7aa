package org.sparkimage.model;

/**
 * Inference-time BatchNorm parameters: {@code y = gamma * (x - mean) / sqrt(variance + epsilon) + beta}.
 */
public record BatchNorm(float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon) {

    /**
     * Folds this BatchNorm into the preceding bias-free conv: scales each output channel's weights
     * and returns the bias that replaces the normalisation. Arithmetic in double, stored as float.
     *
     * @param weight conv weights [out][...] row-major, {@code gamma.length} output channels
     */
    public LayerWeights foldInto(float[] weight) {
        int out = gamma.length;
        if (weight.length % out != 0) throw new IllegalArgumentException("weights do not split into " + out + " channels");
        int per = weight.length / out;
        float[] w = new float[weight.length];
        float[] b = new float[out];
        for (int o = 0; o < out; o++) {
            double scale = gamma[o] / Math.sqrt((double) variance[o] + epsilon);
            for (int i = o * per; i < (o + 1) * per; i++) w[i] = (float) (weight[i] * scale);
            b[o] = (float) (beta[o] - mean[o] * scale);
        }
        return new LayerWeights(w, b);
    }
}
