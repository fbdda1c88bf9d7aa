package org.sparkimage.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} into interleaved 8-bit RGB by reading raster samples.
 * {@code BufferedImage.getRGB} is avoided on purpose: it routes gray images through the JDK's
 * linear-gray colour space, which brightens them, and it cannot composite over a chosen background.
 * Samples are taken as stored (no colour management), the way the reference decoders do it.
 */
final class RasterConverter {
    private RasterConverter() {
    }

    static byte[] toRgb(BufferedImage img, AlphaCompositor compositor) throws ImageDecodeException {
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(img.getWidth(), img.getHeight()), 3)];
        if (cm instanceof IndexColorModel icm) {
            convertIndexed(raster, icm, compositor, out);
        } else {
            convertComponents(raster, cm, compositor, out);
        }
        return out;
    }

    /** Palette images (GIF, palette PNG incl. tRNS, 1/2/4-bit gray PNG): one lookup table per image. */
    private static void convertIndexed(Raster raster, IndexColorModel icm, AlphaCompositor compositor, byte[] out) {
        int bits = raster.getSampleModel().getSampleSize(0);
        // Indices the palette does not define stay black rather than failing the image.
        byte[] lut = new byte[3 << Math.min(bits, 16)];
        int entries = Math.min(icm.getMapSize(), lut.length / 3);
        for (int i = 0; i < entries; i++) {
            int a = icm.getAlpha(i);
            lut[3 * i] = (byte) compositor.over(icm.getRed(i), a, 0);
            lut[3 * i + 1] = (byte) compositor.over(icm.getGreen(i), a, 1);
            lut[3 * i + 2] = (byte) compositor.over(icm.getBlue(i), a, 2);
        }
        int w = raster.getWidth();
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int e = 3 * row[x];
                out[o++] = lut[e];
                out[o++] = lut[e + 1];
                out[o++] = lut[e + 2];
            }
        }
    }

    /** Gray, gray+alpha, RGB, RGBA with 1..16 bits per sample (component or packed models). */
    private static void convertComponents(Raster raster, ColorModel cm, AlphaCompositor compositor, byte[] out)
            throws ImageDecodeException {
        int colors = cm.getNumColorComponents();
        int bands = raster.getNumBands();
        int csType = cm.getColorSpace().getType();
        boolean layoutOk = (colors == 1 && csType == ColorSpace.TYPE_GRAY || colors == 3 && csType == ColorSpace.TYPE_RGB)
                && bands == colors + (cm.hasAlpha() ? 1 : 0);
        int transferType = raster.getTransferType();
        if (!layoutOk || transferType == DataBuffer.TYPE_FLOAT || transferType == DataBuffer.TYPE_DOUBLE) {
            throw new ImageDecodeException(ImageError.UNSUPPORTED_FORMAT, "pixel layout not supported: " + bands
                    + " bands, " + colors + " colour components, colour space type " + csType + ", transfer type " + transferType);
        }
        int[] max = new int[bands];
        for (int b = 0; b < bands; b++) {
            int bits = raster.getSampleModel().getSampleSize(b);
            if (bits < 1 || bits > 16) {
                throw new ImageDecodeException(ImageError.UNSUPPORTED_FORMAT, bits + "-bit samples are not supported");
            }
            max[b] = (1 << bits) - 1;
        }
        boolean alpha = cm.hasAlpha();
        if (!alpha && isInterleavedBytes(raster)) {
            copyInterleavedBytes(raster, colors, out);
            return;
        }
        boolean premultiplied = cm.isAlphaPremultiplied();
        int w = raster.getWidth();
        int[] row = new int[w * bands];
        int[] rgb = new int[3];
        int o = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0, i = 0; x < w; x++, i += bands) {
                for (int c = 0; c < 3; c++) {
                    int band = colors == 1 ? 0 : c;
                    rgb[c] = to8Bit(row[i + band], max[band]);
                }
                if (alpha) {
                    int a = to8Bit(row[i + colors], max[colors]);
                    for (int c = 0; c < 3; c++) {
                        rgb[c] = premultiplied ? compositor.overPremultiplied(rgb[c], a, c) : compositor.over(rgb[c], a, c);
                    }
                }
                out[o++] = (byte) rgb[0];
                out[o++] = (byte) rgb[1];
                out[o++] = (byte) rgb[2];
            }
        }
    }

    /** 8-bit samples in one byte array (what JPEG and most PNG decodes produce). */
    private static boolean isInterleavedBytes(Raster raster) {
        if (!(raster.getSampleModel() instanceof ComponentSampleModel sm)
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || raster.getMinX() != 0 || raster.getMinY() != 0
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return false;
        }
        for (int bits : sm.getSampleSize()) if (bits != 8) return false;
        return true;
    }

    /**
     * The opaque 8-bit case straight from the backing array: on a 48 Mpx photo the generic
     * per-row {@link Raster#getPixels} path costs several hundred milliseconds more.
     */
    private static void copyInterleavedBytes(Raster raster, int colors, byte[] out) {
        ComponentSampleModel sm = (ComponentSampleModel) raster.getSampleModel();
        DataBufferByte buffer = (DataBufferByte) raster.getDataBuffer();
        byte[] data = buffer.getData();
        int[] offsets = sm.getBandOffsets();
        int r = offsets[0];
        int g = offsets[colors == 1 ? 0 : 1];
        int b = offsets[colors == 1 ? 0 : 2];
        int pixelStride = sm.getPixelStride();
        int o = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            int p = buffer.getOffset() + y * sm.getScanlineStride();
            for (int x = 0; x < raster.getWidth(); x++, p += pixelStride) {
                out[o++] = data[p + r];
                out[o++] = data[p + g];
                out[o++] = data[p + b];
            }
        }
    }

    /**
     * {@code floor(v*255/max + 0.5)} in integers: identity for 8 bits, 0/255 for 1 bit, and for
     * 16 bits the rounding pngjs uses (the nsfwjs reference decodes 16-bit PNGs this way).
     */
    static int to8Bit(int v, int max) {
        return max == 255 ? v : (int) ((v * 510L + max) / (2L * max));
    }
}
