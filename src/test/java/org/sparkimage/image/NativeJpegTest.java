package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.sparkimage.testing.BadInputsManifest;

/**
 * The libjpeg-turbo path (Leptonica via JavaCPP) against javax.imageio: same pixels at full
 * resolution, DCT-scaled decodes that report the full size and stay above the hint.
 */
class NativeJpegTest {
    private final GuardedImageDecoder fast = new GuardedImageDecoder();
    private final GuardedImageDecoder imageIo = fast.withoutNativeJpeg();

    @Test
    void theNativeDecoderLoadsOnThisPlatform() {
        // CI and the supported platforms ship the native library; a silent fallback would leave the
        // tests below comparing javax.imageio with itself.
        assertTrue(fast.usesNativeJpeg(), "libjpeg-turbo (Leptonica) did not load");
        assertTrue(!imageIo.usesNativeJpeg());
    }

    @Test
    void fullResolutionPixelsMatchJavaxImageio() throws Exception {
        Path dir = TestData.reference("bad-inputs");
        int compared = 0;
        for (BadInputsManifest.Entry e : BadInputsManifest.load()) {
            byte[] data = Files.readAllBytes(dir.resolve(e.file()));
            if (!e.ok() || FormatSniffer.sniff(data).orElseThrow() != ImageFormat.JPEG) continue;
            RgbImage a = fast.decode(data);
            RgbImage b = imageIo.decode(data);
            assertEquals(b.width(), a.width(), e.file());
            assertEquals(b.height(), a.height(), e.file());
            // Different IDCT/upsampling code and, for ICC files, a different CMM: within a level or so.
            double tolerance = e.file().contains("icc") ? 3 : 1.5;
            assertTrue(meanAbsDiff(a, b) < tolerance, e.file() + ": mean |diff| " + meanAbsDiff(a, b));
            compared++;
        }
        assertTrue(compared >= 12, "JPEGs compared: " + compared);
    }

    @Test
    void grayscaleSamplesComeOutInOrder() throws Exception {
        BufferedImage gray = new BufferedImage(97, 31, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 31; y++) for (int x = 0; x < 97; x++) gray.getRaster().setSample(x, y, 0, x * 255 / 96);
        byte[] jpeg = Images.encode(gray, "jpeg");
        RgbImage a = fast.decode(jpeg);
        RgbImage b = imageIo.decode(jpeg);
        int worst = 0;
        for (int i = 0; i < a.pixels().length; i++) worst = Math.max(worst, Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF)));
        assertTrue(worst <= 2, "largest sample difference " + worst);
    }

    @Test
    void scaledDecodesReportTheFullUprightSizeAndStayAboveTheHint() throws Exception {
        Path dir = TestData.reference("bad-inputs");
        byte[] large = Files.readAllBytes(dir.resolve("large_8000x6000.jpg"));
        DecodedImage scaled = fast.decode(large, new ScaleHint(448, 448));
        assertEquals(8000, scaled.width());
        assertEquals(6000, scaled.height());
        assertEquals(1000, scaled.pixels().width());
        assertEquals(750, scaled.pixels().height());
        double[] full = BadInputsTest.meanRgb(fast.decode(large));
        double[] small = BadInputsTest.meanRgb(scaled.pixels());
        for (int c = 0; c < 3; c++) assertEquals(full[c], small[c], 1.5, "channel " + c);

        byte[] rotated = Files.readAllBytes(dir.resolve("jpeg_exif_orient6.jpg")); // stored 288x448, upright 448x288
        DecodedImage r = fast.decode(rotated, new ScaleHint(100, 100));
        assertEquals(448, r.width());
        assertEquals(288, r.height());
        assertEquals(224, r.pixels().width());
        assertEquals(144, r.pixels().height());
        // Upright and scaled: the same picture as the upright full decode, at half size.
        double[] uprightFull = BadInputsTest.meanRgb(fast.decode(rotated));
        double[] uprightHalf = BadInputsTest.meanRgb(r.pixels());
        for (int c = 0; c < 3; c++) assertEquals(uprightFull[c], uprightHalf[c], 1.5, "channel " + c);
        // javax.imageio cannot scale while decoding: full size whatever the hint.
        assertEquals(8000, imageIo.decode(large, new ScaleHint(448, 448)).pixels().width());
    }

    @Test
    void reductionIsTheLargestThatKeepsBothSidesAboveTheHint() {
        ScaleHint hint = new ScaleHint(448, 448);
        assertEquals(8, hint.reductionFor(8000, 6000));
        assertEquals(4, hint.reductionFor(4000, 3000));
        assertEquals(2, hint.reductionFor(900, 1000));
        assertEquals(1, hint.reductionFor(894, 4000));
        assertEquals(1, hint.reductionFor(100, 100));
        assertEquals(1, ScaleHint.FULL_RESOLUTION.reductionFor(8000, 6000));
        assertEquals(2, new ScaleHint(224, 224).reductionFor(447, 447)); // ceil(447 / 2) = 224
    }

    private static double meanAbsDiff(RgbImage a, RgbImage b) {
        long sum = 0;
        for (int i = 0; i < a.pixels().length; i++) sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
        return (double) sum / a.pixels().length;
    }
}
