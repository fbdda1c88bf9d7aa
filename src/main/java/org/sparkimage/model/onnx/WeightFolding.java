package org.sparkimage.model.onnx;

/**
 * Folds the per-channel affine nodes that follow a conv or dense layer (BatchNormalization, a
 * constant Mul or Add) into its weights and bias, so the layer becomes what
 * {@link org.sparkimage.model.LayerWeights} describes. Arithmetic in double, stored as float, like
 * {@link org.sparkimage.model.BatchNorm#foldInto}.
 */
final class WeightFolding {
    private WeightFolding() {}

    /**
     * {@code y = gamma * (W x + b - mean) / sqrt(var + eps) + beta}: scales each output channel's
     * weights and replaces its bias.
     */
    static void batchNorm(FoundLayer l, float[] gamma, float[] beta, float[] mean, float[] var, double epsilon) {
        int out = l.outChannels;
        int per = l.weight.length / out;
        for (int o = 0; o < out; o++) {
            double s = gamma[o] / Math.sqrt((double) var[o] + epsilon);
            for (int i = o * per; i < (o + 1) * per; i++) l.weight[i] = (float) (l.weight[i] * s);
            l.bias[o] = (float) (((double) l.bias[o] - mean[o]) * s + beta[o]);
        }
    }

    /** {@code y = (W x + b) * s} per output channel. */
    static void scale(FoundLayer l, float[] s) {
        int out = l.outChannels;
        int per = l.weight.length / out;
        for (int o = 0; o < out; o++) {
            for (int i = o * per; i < (o + 1) * per; i++) l.weight[i] = (float) ((double) l.weight[i] * s[o]);
            l.bias[o] = (float) ((double) l.bias[o] * s[o]);
        }
    }

    /** {@code y = alpha * W x + b}: Gemm's alpha. */
    static void scaleWeights(FoundLayer l, float alpha) {
        for (int i = 0; i < l.weight.length; i++) l.weight[i] = (float) ((double) l.weight[i] * alpha);
    }

    /** {@code y = W x + b + c} per output channel. */
    static void addBias(FoundLayer l, float[] c) {
        for (int o = 0; o < l.outChannels; o++) l.bias[o] = (float) ((double) l.bias[o] + c[o]);
    }

    /** A row-major [rows][cols] matrix as [cols][rows] (MatMul's [in][out] weights to [out][in]). */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        }
        return t;
    }
}
