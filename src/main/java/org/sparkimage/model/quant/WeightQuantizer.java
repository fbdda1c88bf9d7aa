package org.sparkimage.model.quant;

/**
 * Symmetric per-output-channel int8 weights and the int32 biases that go with them, as ONNX
 * Runtime's QDQ convolutions expect: weight zero points 0, codes in [-127, 127] (never -128, so
 * negating a code cannot overflow), bias step = input step x weight step of the channel.
 */
public final class WeightQuantizer {
    private WeightQuantizer() {}

    /**
     * Quantized weights of one layer.
     *
     * @param codes  int8 codes, same layout as the float weights
     * @param scales one step per output channel
     */
    public record Int8Weights(byte[] codes, float[] scales) {}

    /**
     * Quantizes {@code weights} laid out output channel first ({@code [out][...]}, as ONNX conv and
     * Gemm-with-transB weights are).
     */
    public static Int8Weights perChannel(float[] weights, int outChannels) {
        if (outChannels <= 0 || weights.length % outChannels != 0) {
            throw new IllegalArgumentException(weights.length + " weights do not split into " + outChannels + " channels");
        }
        int per = weights.length / outChannels;
        byte[] codes = new byte[weights.length];
        float[] scales = new float[outChannels];
        for (int c = 0; c < outChannels; c++) {
            float absMax = 0;
            for (int i = c * per; i < (c + 1) * per; i++) absMax = Math.max(absMax, Math.abs(weights[i]));
            float s = absMax > 0 ? absMax / 127f : 1f;
            scales[c] = s;
            for (int i = c * per; i < (c + 1) * per; i++) {
                codes[i] = (byte) Math.max(-127, Math.min(127, Math.round(weights[i] / s)));
            }
        }
        return new Int8Weights(codes, scales);
    }

    /** The step of each channel's int32 bias: the input's step times the channel's weight step. */
    public static float[] biasScales(float inputScale, float[] weightScales) {
        float[] s = new float[weightScales.length];
        for (int c = 0; c < s.length; c++) s[c] = inputScale * weightScales[c];
        return s;
    }

    /**
     * The bias that takes back the mean shift int8 weights cause: {@code bias + (W - Wq) E[x]} per
     * output channel, where {@code E[x]} is the calibration mean of each input channel (a conv's
     * padding makes border pixels see fewer inputs; the correction ignores that).
     *
     * @param weights      float weights, {@code [out][in/groups][taps]}
     * @param q            their int8 form
     * @param bias         float bias per output channel
     * @param inputMeans   mean of each input channel
     * @param groups       1 for a full conv, the channel count for a depthwise one
     */
    public static float[] correctedBias(float[] weights, Int8Weights q, float[] bias, float[] inputMeans, int groups) {
        int out = bias.length;
        int perOut = weights.length / out;
        int inPerGroup = inputMeans.length / groups;
        int taps = perOut / inPerGroup;
        int outPerGroup = out / groups;
        float[] corrected = bias.clone();
        for (int c = 0; c < out; c++) {
            int firstIn = (c / outPerGroup) * inPerGroup;
            double shift = 0;
            for (int k = 0; k < inPerGroup; k++) {
                double diff = 0;
                for (int t = 0; t < taps; t++) {
                    int i = c * perOut + k * taps + t;
                    diff += weights[i] - q.codes()[i] * (double) q.scales()[c];
                }
                shift += diff * inputMeans[firstIn + k];
            }
            corrected[c] = (float) (bias[c] + shift);
        }
        return corrected;
    }

    /** Biases as int32 codes in {@code scales} steps. */
    public static int[] bias(float[] bias, float[] scales) {
        int[] codes = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double q = Math.rint(bias[c] / (double) scales[c]);
            codes[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, q));
        }
        return codes;
    }
}
