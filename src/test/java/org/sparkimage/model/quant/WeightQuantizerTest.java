package org.sparkimage.model.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class WeightQuantizerTest {
    @Test
    void eachChannelGetsItsOwnStepAndItsLargestWeightMapsTo127() {
        float[] w = {0.5f, -0.25f, 0.1f, /* channel 1 */ -40f, 20f, 0f};
        WeightQuantizer.Int8Weights q = WeightQuantizer.perChannel(w, 2);
        assertArrayEquals(new float[] {0.5f / 127, 40f / 127}, q.scales(), 1e-9f);
        assertEquals(127, q.codes()[0]);
        assertEquals(-127, q.codes()[3]);
        assertEquals(64, q.codes()[4]); // 20 / (40/127) = 63.5 rounds to 64
        assertEquals(0, q.codes()[5]);
    }

    @Test
    void roundTripErrorIsAtMostHalfAStep() {
        Random r = new Random(7);
        float[] w = new float[16 * 27];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * (1 + i / 27));
        WeightQuantizer.Int8Weights q = WeightQuantizer.perChannel(w, 16);
        for (int i = 0; i < w.length; i++) {
            float s = q.scales()[i / 27];
            assertTrue(Math.abs(q.codes()[i] * s - w[i]) <= s / 2 + 1e-6f, "weight " + i);
            assertTrue(q.codes()[i] >= -127, "never -128");
        }
    }

    @Test
    void anAllZeroChannelGetsAUsableStep() {
        WeightQuantizer.Int8Weights q = WeightQuantizer.perChannel(new float[] {0, 0, 1, 2}, 2);
        assertEquals(1f, q.scales()[0]);
        assertEquals(0, q.codes()[0]);
    }

    @Test
    void weightsThatDoNotSplitIntoChannelsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.perChannel(new float[5], 2));
    }

    @Test
    void correctedBiasRestoresTheMeanOutputOfAFullConv() {
        // 2 outputs x 3 inputs x 1 tap (a 1x1 conv); with inputs at their means, int8 weights plus the
        // corrected bias must give exactly the float output.
        float[] w = {0.013f, -0.7f, 0.33f, 0.2f, 0.004f, -0.61f};
        float[] b = {0.1f, -0.2f};
        float[] mean = {1.5f, 0.25f, 3f};
        WeightQuantizer.Int8Weights q = WeightQuantizer.perChannel(w, 2);
        float[] corrected = WeightQuantizer.correctedBias(w, q, b, mean, 1);
        for (int c = 0; c < 2; c++) {
            double exact = b[c];
            double int8 = corrected[c];
            for (int k = 0; k < 3; k++) {
                exact += w[c * 3 + k] * mean[k];
                int8 += q.codes()[c * 3 + k] * q.scales()[c] * mean[k];
            }
            assertEquals(exact, int8, 1e-5, "channel " + c);
            assertTrue(Math.abs(corrected[c] - b[c]) > 1e-5, "the correction is not zero for channel " + c);
        }
    }

    @Test
    void correctedBiasOfADepthwiseConvUsesEachChannelsOwnMean() {
        // 2 channels, 4 taps each, groups = 2.
        float[] w = {0.11f, 0.52f, -0.3f, 0.9f, 0.05f, -0.06f, 0.07f, 0.013f};
        float[] b = {0f, 1f};
        float[] mean = {2f, -4f};
        WeightQuantizer.Int8Weights q = WeightQuantizer.perChannel(w, 2);
        float[] corrected = WeightQuantizer.correctedBias(w, q, b, mean, 2);
        for (int c = 0; c < 2; c++) {
            double exact = b[c];
            double int8 = corrected[c];
            for (int t = 0; t < 4; t++) {
                exact += w[c * 4 + t] * mean[c];
                int8 += q.codes()[c * 4 + t] * q.scales()[c] * mean[c];
            }
            assertEquals(exact, int8, 1e-5, "channel " + c);
        }
    }

    @Test
    void biasCodesAreInStepsOfInputTimesWeightStep() {
        float[] scales = WeightQuantizer.biasScales(0.02f, new float[] {0.5f, 0.1f});
        assertArrayEquals(new float[] {0.01f, 0.002f}, scales, 1e-9f);
        assertArrayEquals(new int[] {30, -1000}, WeightQuantizer.bias(new float[] {0.3f, -2f}, scales));
    }
}
