package org.sparkimage.image;

/**
 * A decode result: pixels, possibly scaled down while decoding (see {@link ScaleHint}), and the
 * size of the full upright image, which is what output rows report.
 *
 * @param pixels the upright, opaque sRGB pixels
 * @param width  full upright width
 * @param height full upright height
 */
public record DecodedImage(RgbImage pixels, int width, int height) {
    public static DecodedImage fullSize(RgbImage pixels) {
        return new DecodedImage(pixels, pixels.width(), pixels.height());
    }
}
