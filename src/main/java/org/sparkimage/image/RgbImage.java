package org.sparkimage.image;

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
}
