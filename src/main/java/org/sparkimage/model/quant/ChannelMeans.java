package org.sparkimage.model.quant;

import java.nio.FloatBuffer;

/**
 * The mean of each channel of one activation tensor over the calibration images, for bias
 * correction: int8 weights {@code Wq} shift a conv's output by {@code (Wq - W) E[x]} on average,
 * which the int8 bias takes back.
 */
public final class ChannelMeans {
    private final int channels;
    private final int planeSize;
    private final boolean channelsLast;
    private final double[] sums;
    private long perChannel;

    /**
     * @param channels     channels of the tensor
     * @param planeSize    values per channel of one image (height x width)
     * @param channelsLast true for NHWC values, false for NCHW
     */
    public ChannelMeans(int channels, int planeSize, boolean channelsLast) {
        if (channels <= 0 || planeSize <= 0) throw new IllegalArgumentException("empty tensor");
        this.channels = channels;
        this.planeSize = planeSize;
        this.channelsLast = channelsLast;
        this.sums = new double[channels];
    }

    /** Adds a batch of whole images, from the buffer's position to its limit (the position is left as is). */
    public void add(FloatBuffer values) {
        FloatBuffer v = values.duplicate();
        int n = v.remaining();
        if (n % (channels * planeSize) != 0) {
            throw new IllegalArgumentException(n + " values are not whole images of " + channels + " x " + planeSize);
        }
        if (channelsLast) {
            for (int i = 0; i < n; i++) sums[i % channels] += v.get();
        } else {
            for (int plane = 0; plane < n / planeSize; plane++) {
                double s = 0;
                for (int i = 0; i < planeSize; i++) s += v.get();
                sums[plane % channels] += s;
            }
        }
        perChannel += n / channels;
    }

    /** The means; zeros when nothing was added. */
    public float[] means() {
        float[] m = new float[channels];
        if (perChannel == 0) return m;
        for (int c = 0; c < channels; c++) m[c] = (float) (sums[c] / perChannel);
        return m;
    }
}
