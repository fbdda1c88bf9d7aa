package org.sparkimage.image;

import static org.bytedeco.leptonica.global.leptonica.L_SEVERITY_NONE;
import static org.bytedeco.leptonica.global.leptonica.pixDestroy;
import static org.bytedeco.leptonica.global.leptonica.pixReadMemJpeg;
import static org.bytedeco.leptonica.global.leptonica.setMsgSeverity;

import java.nio.IntBuffer;

import org.bytedeco.leptonica.PIX;

/**
 * JPEG decoding in libjpeg-turbo (statically linked into Leptonica, loaded through JavaCPP) with
 * DCT-domain scaling: at 1/2, 1/4 or 1/8 the inverse DCT computes only the low frequencies, so a
 * 48 MP photo decodes ~7x faster at 1/8 and never exists at full size. Unlike OpenCV's
 * {@code imdecode}, Leptonica reports libjpeg's warnings, so a truncated or corrupt file is
 * refused here (null) instead of coming back grey-filled; the caller then diagnoses it with
 * javax.imageio. Where the native library cannot load (an unsupported platform), {@link #available}
 * is false and everything goes through javax.imageio.
 */
final class NativeJpegReader {
    private static final System.Logger LOG = System.getLogger(NativeJpegReader.class.getName());
    private static final boolean AVAILABLE = load();

    private NativeJpegReader() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    private static boolean load() {
        try {
            setMsgSeverity(L_SEVERITY_NONE); // also loads the library; Leptonica's own messages off
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
            LOG.log(System.Logger.Level.WARNING, "native JPEG decoder unavailable, using javax.imageio: " + e);
            return false;
        }
    }

    /**
     * @param reduction 1, 2, 4 or 8
     * @return the upright-agnostic (stored orientation) image at {@code ceil(size / reduction)}, or
     *         null when libjpeg reported any warning or error
     */
    static RgbImage read(byte[] data, int reduction) {
        int[] warnings = new int[1];
        PIX pix = pixReadMemJpeg(data, data.length, 0, reduction, warnings, 0);
        if (pix == null || pix.isNull()) return null;
        try {
            if (warnings[0] != 0) return null;
            return toRgb(pix);
        } finally {
            pixDestroy(pix);
        }
    }

    /** 32 bpp words are R<<24 | G<<16 | B<<8; 8 bpp gray packs four pixels per word, first in the high byte. */
    private static RgbImage toRgb(PIX pix) {
        int w = pix.w();
        int h = pix.h();
        int wpl = pix.wpl();
        int depth = pix.d();
        if (depth != 32 && depth != 8) return null;
        IntBuffer words = pix.data().capacity((long) h * wpl).asBuffer();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int o = 0;
        for (int y = 0; y < h; y++) {
            int row = y * wpl;
            if (depth == 32) {
                for (int x = 0; x < w; x++) {
                    int p = words.get(row + x);
                    rgb[o++] = (byte) (p >>> 24);
                    rgb[o++] = (byte) (p >>> 16);
                    rgb[o++] = (byte) (p >>> 8);
                }
            } else {
                for (int x = 0; x < w; x++) {
                    byte g = (byte) (words.get(row + (x >> 2)) >>> (24 - 8 * (x & 3)));
                    rgb[o++] = g;
                    rgb[o++] = g;
                    rgb[o++] = g;
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
