package org.sparkimage.model.quant;

import java.util.Map;
import java.util.TreeMap;

/**
 * The quantization range of every activation tensor of a model, by tensor name ({@code input} for
 * the image tensor, else the layer's name), and how they were found.
 *
 * @param byTensor          ranges by tensor name
 * @param channelMeans      each tensor's per-channel mean, for bias correction
 * @param method            how each range was read from the calibration values
 * @param images            how many calibration images were seen
 * @param calibrationDigest sha256 over the calibration images' bytes, in the order they were used
 */
public record ActivationRanges(Map<String, TensorRange> byTensor, Map<String, float[]> channelMeans,
                               CalibrationMethod method, int images, String calibrationDigest) {
    public ActivationRanges {
        byTensor = new TreeMap<>(byTensor);
        channelMeans = new TreeMap<>(channelMeans);
    }

    /**
     * The range of one tensor.
     *
     * @throws IllegalArgumentException when calibration did not see it
     */
    public TensorRange of(String tensor) {
        TensorRange r = byTensor.get(tensor);
        if (r == null) throw new IllegalArgumentException("calibration has no range for tensor " + tensor);
        return r;
    }

    /**
     * The per-channel means of one tensor.
     *
     * @throws IllegalArgumentException when calibration did not see it
     */
    public float[] meansOf(String tensor) {
        float[] m = channelMeans.get(tensor);
        if (m == null) throw new IllegalArgumentException("calibration has no channel means for tensor " + tensor);
        return m.clone();
    }
}
