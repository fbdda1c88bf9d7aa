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

    @Test
    void partialImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelMeans(2, 2, false).add(FloatBuffer.wrap(new float[3])));
    }
}
