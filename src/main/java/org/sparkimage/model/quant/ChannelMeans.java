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
        float[] chunk = new float[channelsLast ? channels : planeSize];
        for (int at = 0; at < n; at += chunk.length) {
            v.get(chunk);
            if (channelsLast) {
                for (int c = 0; c < channels; c++) sums[c] += chunk[c];
            } else {
                sums[(at / planeSize) % channels] += sum(chunk);
            }
        }
        perChannel += n / channels;
    }

    /**
     * The sum of one plane in four running sums, added in a fixed order: four independent chains
     * of additions run about four times faster than one, and the result is the same every run.
     */
    private static double sum(float[] plane) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < plane.length; i += 4) {
            s0 += plane[i];
            s1 += plane[i + 1];
            s2 += plane[i + 2];
            s3 += plane[i + 3];
        }
        for (; i < plane.length; i++) s0 += plane[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** The means; zeros when nothing was added. */
    public float[] means() {
        float[] m = new float[channels];
        if (perChannel == 0) return m;
        for (int c = 0; c < channels; c++) m[c] = (float) (sums[c] / perChannel);
        return m;
    }
}
