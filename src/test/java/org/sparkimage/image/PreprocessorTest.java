package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.ModelCard.ChannelOrder;
import org.sparkimage.model.ModelCard.Interpolation;
import org.sparkimage.model.ModelCard.Layout;
import org.sparkimage.model.ModelCard.Resize;

class PreprocessorTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    private static ModelCard stretch(int w, int h, Interpolation interpolation) {
        return TestData.card(Layout.NHWC, w, h, ChannelOrder.RGB, Resize.STRETCH, 0, interpolation, 255, ZERO, ONE);
    }

    private static ModelCard crop(int w, int h, int shorter, Interpolation interpolation) {
        return TestData.card(Layout.NHWC, w, h, ChannelOrder.RGB, Resize.SHORTER_SIDE_CROP, shorter, interpolation, 255, ZERO, ONE);
    }

    private static FloatBuffer run(ModelCard card, RgbImage img) {
        FloatBuffer out = FloatBuffer.allocate(card.tensorSize());
        new Preprocessor(card).write(img, out, 0);
        return out;
    }

    private static float p(int v) {
        return (float) (v / 255.0);
    }

    @Test
    void sameSizeIsNotResampled() {
        RgbImage img = TestData.image(7, 5, (x, y, c) -> (x * 37 + y * 11 + c * 101) % 256);
        for (Interpolation interpolation : Interpolation.values()) {
            FloatBuffer out = run(stretch(7, 5, interpolation), img);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(p(img.sample(x, y, c)), out.get((y * 7 + x) * 3 + c), interpolation + " " + x + "," + y + "," + c);
                    }
                }
            }
        }
    }

    @Test
    void alignCornersMapsCornersOntoCornersAndInterpolatesInDouble() {
        RgbImage img = TestData.image(3, 1, (x, y, c) -> new int[] {0, 255, 51}[x]);
        FloatBuffer out = run(stretch(5, 1, Interpolation.BILINEAR_ALIGN_CORNERS), img);
        // ratio (3-1)/(5-1) = 0.5: source positions 0, 0.5, 1, 1.5, 2
        double p0 = p(0);
        double p1 = p(255);
        double p2 = p(51);
        float[] expected = {(float) p0, (float) (p0 + (p1 - p0) * 0.5), (float) p1, (float) (p1 + (p2 - p1) * 0.5), (float) p2};
        for (int x = 0; x < 5; x++) assertEquals(expected[x], out.get(x * 3 + 1), "x=" + x);
    }

    @Test
    void halfPixelBilinearClampsAtTheEdges() {
        RgbImage img = TestData.image(2, 1, (x, y, c) -> x == 0 ? 0 : 200);
        FloatBuffer out = run(stretch(4, 1, Interpolation.BILINEAR), img);
        // (o + 0.5) * 2/4 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        double p1 = p(200);
        float[] expected = {0f, (float) (p1 * 0.25), (float) (p1 * 0.75), (float) p1};
        for (int x = 0; x < 4; x++) assertEquals(expected[x], out.get(x * 3), 1e-7, "x=" + x);
    }

    @Test
    void areaAveragesTheCoveredPixels() {
        RgbImage img = TestData.image(4, 4, (x, y, c) -> (x + 4 * y) * 10 + c);
        FloatBuffer out = run(stretch(2, 2, Interpolation.AREA), img);
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                double sum = 0;
                for (int y = 2 * oy; y < 2 * oy + 2; y++) for (int x = 2 * ox; x < 2 * ox + 2; x++) sum += p(img.sample(x, y, 2));
                assertEquals(sum / 4, out.get((oy * 2 + ox) * 3 + 2), 1e-6, ox + "," + oy);
            }
        }
        // 3 -> 2 columns: output 0 covers [0, 1.5): (p0 + 0.5 p1) / 1.5
        RgbImage row = TestData.image(3, 1, (x, y, c) -> new int[] {30, 90, 240}[x]);
        FloatBuffer r = run(stretch(2, 1, Interpolation.AREA), row);
        assertEquals((p(30) + 0.5 * p(90)) / 1.5, r.get(0), 1e-6);
        assertEquals((0.5 * p(90) + p(240)) / 1.5, r.get(3), 1e-6);
    }

    @Test
    void constantImagesStayConstantUnderEveryKernel() {
        for (int[] size : new int[][] {{1, 1}, {3, 500}, {640, 480}}) {
            RgbImage img = TestData.image(size[0], size[1], (x, y, c) -> new int[] {12, 130, 250}[c]);
            for (Interpolation interpolation : Interpolation.values()) {
                for (ModelCard card : new ModelCard[] {stretch(16, 12, interpolation), crop(16, 12, 20, interpolation)}) {
                    FloatBuffer out = run(card, img);
                    for (int i = 0; i < card.tensorSize(); i++) {
                        assertEquals(p(new int[] {12, 130, 250}[i % 3]), out.get(i), 1e-6, interpolation + " " + card.preprocess().resize() + " " + size[0] + "x" + size[1]);
                    }
                }
            }
        }
    }

    @Test
    void nchwBgrWithMeanAndStd() {
        float[] mean = {0.1f, 0.2f, 0.3f};
        float[] std = {0.5f, 0.25f, 2f};
        ModelCard card = TestData.card(Layout.NCHW, 3, 2, ChannelOrder.BGR, Resize.STRETCH, 0,
                Interpolation.BILINEAR, 255, mean, std);
        RgbImage img = TestData.image(3, 2, (x, y, c) -> 40 * x + 100 * y + 7 * c);
        FloatBuffer out = run(card, img);
        for (int t = 0; t < 3; t++) {
            int source = 2 - t; // tensor channel 0 is blue
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    float expected = (p(img.sample(x, y, source)) - mean[t]) / std[t];
                    assertEquals(expected, out.get(t * 6 + y * 3 + x), "t=" + t + " x=" + x + " y=" + y);
                }
            }
        }
    }

    @Test
    void divisorOtherThan255() {
        ModelCard card = TestData.card(Layout.NHWC, 2, 1, ChannelOrder.RGB, Resize.STRETCH, 0,
                Interpolation.BILINEAR, 1, ZERO, ONE);
        FloatBuffer out = run(card, TestData.image(2, 1, (x, y, c) -> x == 0 ? 17 : 255));
        assertEquals(17f, out.get(0));
        assertEquals(255f, out.get(3));
    }

    @Test
    void slotsUseAbsolutePutsAndStayInTheirWindow() {
        ModelCard card = stretch(4, 4, Interpolation.BILINEAR_ALIGN_CORNERS);
        FloatBuffer buf = FloatBuffer.allocate(3 * card.tensorSize());
        for (int i = 0; i < buf.capacity(); i++) buf.put(i, -1f);
        buf.position(5);
        new Preprocessor(card).write(TestData.image(9, 9, (x, y, c) -> 255), buf, 1);
        assertEquals(5, buf.position(), "position untouched");
        for (int i = 0; i < buf.capacity(); i++) {
            boolean inSlot = i >= card.tensorSize() && i < 2 * card.tensorSize();
            assertEquals(inSlot ? 1f : -1f, buf.get(i), "index " + i);
        }
        Preprocessor pre = new Preprocessor(card);
        RgbImage img = TestData.image(2, 2, (x, y, c) -> 0);
        assertThrows(IndexOutOfBoundsException.class, () -> pre.write(img, buf, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> pre.write(img, buf, -1));
    }

    @Test
    void shorterSideCropGeometry() {
        Preprocessor pre = new Preprocessor(crop(224, 224, 256, Interpolation.BILINEAR));
        assertEquals(new Preprocessor.Geometry(256_000, 256, (256_000 - 224) / 2, 16), pre.geometry(10_000, 10));
        assertEquals(new Preprocessor.Geometry(256, 256_000, 16, (256_000 - 224) / 2), pre.geometry(10, 10_000));
        assertEquals(new Preprocessor.Geometry(256, 256, 16, 16), pre.geometry(1, 1));
        assertEquals(new Preprocessor.Geometry(384, 256, 80, 16), pre.geometry(300, 200));
        assertEquals(new Preprocessor.Geometry(256, 341, 16, 58), pre.geometry(600, 800)); // 800*256/600 = 341.33
        // A window wider than the resized image (non-square window, small resize_shorter) is stretched to fit.
        Preprocessor wide = new Preprocessor(crop(300, 200, 200, Interpolation.BILINEAR));
        assertEquals(new Preprocessor.Geometry(300, 200, 0, 0), wide.geometry(100, 100));
        // Stretch ignores the aspect ratio entirely.
        assertEquals(new Preprocessor.Geometry(224, 224, 0, 0), new Preprocessor(stretch(224, 224, Interpolation.BILINEAR)).geometry(10_000, 10));
    }

    @Test
    void extremeAspectRatiosAndTinyImagesSurviveEveryMode() {
        RgbImage wide = TestData.image(10_000, 10, (x, y, c) -> x * 255 / 9_999);
        RgbImage tall = TestData.image(10, 10_000, (x, y, c) -> y * 255 / 9_999);
        RgbImage dot = TestData.image(1, 1, (x, y, c) -> new int[] {229, 120, 19}[c]);
        for (Interpolation interpolation : Interpolation.values()) {
            for (ModelCard card : new ModelCard[] {stretch(224, 224, interpolation), crop(224, 224, 256, interpolation)}) {
                for (RgbImage img : new RgbImage[] {wide, tall, dot}) {
                    FloatBuffer out = run(card, img);
                    for (int i = 0; i < card.tensorSize(); i++) {
                        float v = out.get(i);
                        assertTrue(v >= 0f && v <= 1f, interpolation + " " + card.preprocess().resize() + " " + img.width() + "x" + img.height() + " value " + v);
                    }
                    if (img == dot) assertEquals(p(120), out.get(card.tensorSize() - 2), "1x1 fills the tensor");
                }
            }
        }
        // The centre crop of the 10000x10 ramp lies around the middle of the ramp.
        FloatBuffer centre = run(crop(224, 224, 256, Interpolation.BILINEAR), wide);
        assertEquals(0.5, centre.get((112 * 224 + 112) * 3), 0.01);
    }

    @Test
    void cropKeepsTheCentreOfTheImage() {
        // 600x200: red | green | blue thirds. Resized to 672x224, the 224-wide centre window is the green third.
        RgbImage img = TestData.image(600, 200, (x, y, c) -> c == x / 200 ? 255 : 0);
        for (Interpolation interpolation : Interpolation.values()) {
            FloatBuffer out = run(crop(224, 224, 224, interpolation), img);
            double[] mean = new double[3];
            for (int i = 0; i < out.capacity(); i++) mean[i % 3] += out.get(i) / (224.0 * 224.0);
            assertTrue(mean[1] > 0.99 && mean[0] < 0.01 && mean[2] < 0.01,
                    interpolation + " mean " + mean[0] + "," + mean[1] + "," + mean[2]);
        }
    }
}
