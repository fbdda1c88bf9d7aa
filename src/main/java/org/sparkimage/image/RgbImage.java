package org.sparkimage.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A decoded, upright (EXIF orientation applied), opaque (alpha composited) 8-bit sRGB image.
 *
 * @param width  pixels per row
 * @param height rows
 * @param pixels interleaved R,G,B bytes, row-major, length {@code width * height * 3}
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException("pixel buffer has " + pixels.length + " bytes for " + width + "x" + height);
        }
    }

    /** Sample {@code c} (0 = R) of pixel (x, y) as 0..255. */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }

    /** A copy as a Java 2D image (3-byte BGR), for javax.imageio writers. */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i += 3) {
            bgr[i] = pixels[i + 2];
            bgr[i + 1] = pixels[i + 1];
            bgr[i + 2] = pixels[i];
        }
        return img;
    }
}
