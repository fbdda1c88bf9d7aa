package org.sparkimage.model.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;

class ChannelMeansTest {
    @Test
    void nchwPlanesAndNhwcPixelsGiveTheSameMeans() {
        // two images of 2 channels x 2 pixels
        float[] nchw = {1, 3, 10, 30, /* image 2 */ 5, 7, 50, 70};
        float[] nhwc = {1, 10, 3, 30, /* image 2 */ 5, 50, 7, 70};
        ChannelMeans a = new ChannelMeans(2, 2, false);
        a.add(FloatBuffer.wrap(nchw));
        ChannelMeans b = new ChannelMeans(2, 2, true);
        b.add(FloatBuffer.wrap(nhwc, 0, 4));
        b.add(FloatBuffer.wrap(nhwc, 4, 4));
        assertArrayEquals(new float[] {4f, 40f}, a.means());
        assertArrayEquals(new float[] {4f, 40f}, b.means());
    }

    /** Planes whose size is no multiple of the four running sums (7 x 7), from a direct buffer as ONNX Runtime writes it. */
    @Test
    void oddPlanesFromADirectBufferAverageLikeOneRunningSum() {
        int channels = 3;
        int plane = 49;
        java.util.Random r = new java.util.Random(2);
        FloatBuffer values = java.nio.ByteBuffer.allocateDirect(2 * channels * plane * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        double[] sums = new double[channels];
        for (int i = 0; i < values.capacity(); i++) {
            float x = (float) (r.nextGaussian() * 3 + 1);
            values.put(i, x);
            sums[(i / plane) % channels] += x;
        }
        ChannelMeans m = new ChannelMeans(channels, plane, false);
        m.add(values);
        float[] expected = new float[channels];
        for (int c = 0; c < channels; c++) expected[c] = (float) (sums[c] / (2 * plane));
        assertArrayEquals(expected, m.means(), 1e-6f);
    }

    @Test
    void partialImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelMeans(2, 2, false).add(FloatBuffer.wrap(new float[3])));
    }
}
