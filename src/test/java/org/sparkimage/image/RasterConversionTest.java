package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;

import org.junit.jupiter.api.Test;

/** Sample-level decoding through real PNG files: bit depths, palettes and alpha compositing. */
class RasterConversionTest {
    private static final int[] BG = {10, 200, 30};
    private final GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, BG);

    /** round(c*a/255 + bg*(1 - a/255)), written out independently of AlphaCompositor. */
    private static int composite(int c, int a, int bg) {
        return (int) Math.round(c * a / 255.0 + bg * (1 - a / 255.0));
    }

    @Test
    void rgbaIsCompositedOverTheBackgroundAndOpaquePixelsStayExact() throws Exception {
        int[][] pixels = {{255, 0, 255, 0}, {200, 100, 50, 128}, {17, 99, 201, 255}, {1, 2, 3, 1}, {250, 5, 77, 254}};
        BufferedImage img = new BufferedImage(pixels.length, 1, BufferedImage.TYPE_4BYTE_ABGR);
        for (int x = 0; x < pixels.length; x++) img.getRaster().setPixel(x, 0, pixels[x]);
        RgbImage out = decoder.decode(Images.encode(img, "png"));
        for (int x = 0; x < pixels.length; x++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(composite(pixels[x][c], pixels[x][3], BG[c]), out.sample(x, 0, c), "pixel " + x + " channel " + c);
            }
        }
        assertEquals(17, out.sample(2, 0, 0), "opaque pixel unchanged");
        assertEquals(BG[1], out.sample(0, 0, 1), "fully transparent pixel is the background");
    }

    @Test
    void compositorRoundsToNearest() {
        AlphaCompositor white = new AlphaCompositor(new int[] {255, 255, 255});
        for (int c = 0; c < 256; c += 5) {
            for (int a = 0; a < 256; a += 3) {
                assertEquals(composite(c, a, 255), white.over(c, a, 0), "c=" + c + " a=" + a);
            }
            assertEquals(c, white.over(c, 255, 1), "opaque");
        }
    }

    @Test
    void grayIsReplicatedWithoutGammaShift() throws Exception {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 100, 255});
        RgbImage out = decoder.decode(Images.encode(img, "png"));
        int[] expected = {0, 100, 255};
        for (int x = 0; x < 3; x++) {
            for (int c = 0; c < 3; c++) assertEquals(expected[x], out.sample(x, 0, c), "x=" + x + " c=" + c);
        }
    }

    @Test
    void grayAlphaIsComposited() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {80, 255});
        raster.setPixel(1, 0, new int[] {80, 64});
        RgbImage out = decoder.decode(Images.encode(new BufferedImage(cm, raster, false, null), "png"));
        for (int c = 0; c < 3; c++) {
            assertEquals(80, out.sample(0, 0, c), "opaque gray");
            assertEquals(composite(80, 64, BG[c]), out.sample(1, 0, c), "translucent gray, channel " + c);
        }
    }

    @Test
    void paletteTransparencyIsComposited() throws Exception {
        byte[] r = {(byte) 0, (byte) 250, (byte) 40};
        byte[] g = {(byte) 255, (byte) 120, (byte) 40};
        byte[] b = {(byte) 0, (byte) 10, (byte) 40};
        byte[] a = {(byte) 0, (byte) 255, (byte) 100};
        IndexColorModel icm = new IndexColorModel(8, 3, r, g, b, a);
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        img.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 1, 2});
        RgbImage out = decoder.decode(Images.encode(img, "png"));
        for (int c = 0; c < 3; c++) {
            assertEquals(BG[c], out.sample(0, 0, c), "transparent green entry shows the background");
            assertEquals(new int[] {250, 120, 10}[c], out.sample(1, 0, c), "opaque entry");
            assertEquals(composite(40, 100, BG[c]), out.sample(2, 0, c), "translucent entry");
        }
    }

    @Test
    void sixteenBitSamplesAreRoundedLikePngjs() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        // 65400 -> 254 (v >> 8 would give 255); 383 -> 1; 129 -> 1 (0.502 rounds up), 128 -> 0, 65535 -> 255, 257*77 -> 77.
        raster.setPixel(0, 0, new int[] {65400, 383, 129});
        raster.setPixel(1, 0, new int[] {128, 65535, 257 * 77});
        RgbImage out = decoder.decode(Images.encode(new BufferedImage(cm, raster, false, null), "png"));
        int[] expected = {254, 1, 1, 0, 255, 77};
        for (int i = 0; i < 6; i++) assertEquals(expected[i], out.sample(i / 3, 0, i % 3), "sample " + i);
        for (int v = 0; v <= 65535; v += 97) {
            assertEquals((int) Math.floor(v * 255.0 / 65535 + 0.5), RasterConverter.to8Bit(v, 65535), "v=" + v);
        }
    }

    @Test
    void oneBitImagesBecomeBlackAndWhite() throws Exception {
        BufferedImage img = new BufferedImage(9, 1, BufferedImage.TYPE_BYTE_BINARY);
        img.getRaster().setSample(3, 0, 0, 1);
        img.getRaster().setSample(8, 0, 0, 1);
        RgbImage out = decoder.decode(Images.encode(img, "png"));
        for (int x = 0; x < 9; x++) {
            int expected = x == 3 || x == 8 ? 255 : 0;
            for (int c = 0; c < 3; c++) assertEquals(expected, out.sample(x, 0, c), "x=" + x);
        }
    }

    @Test
    void bmpAndGifKeepChannelOrder() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(1, 0, 0x0000FF);
        for (String format : new String[] {"bmp", "gif"}) {
            RgbImage out = decoder.decode(Images.encode(img, format));
            assertEquals(255, out.sample(0, 0, 0), format + " red");
            assertEquals(0, out.sample(0, 0, 2), format + " red has no blue");
            assertEquals(255, out.sample(1, 0, 2), format + " blue");
            assertEquals(0, out.sample(1, 0, 0), format + " blue has no red");
        }
    }
}
