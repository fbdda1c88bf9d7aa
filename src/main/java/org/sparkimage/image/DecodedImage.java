package org.sparkimage.image;

/**
 * A decode result: pixels, possibly scaled down while decoding (see {@link ScaleHint}) or reduced
 * to the rows and columns a resize reads, and the size of the full upright image, which is what
 * output rows report.
 *
 * @param pixels the upright, opaque sRGB pixels
 * @param width  full upright width
 * @param height full upright height
 * @param kept   null when {@code pixels} is the whole image (possibly scaled); else the upright
 *               rows and columns of the full-resolution image that {@code pixels} holds, in order
 */
public record DecodedImage(RgbImage pixels, int width, int height, SampledAxes kept) {
    public DecodedImage {
        if (kept != null && (kept.rows().length != pixels.height() || kept.cols().length != pixels.width())) {
            throw new IllegalArgumentException(kept.cols().length + "x" + kept.rows().length + " kept samples for "
                    + pixels.width() + "x" + pixels.height() + " pixels");
        }
    }

    /** Pixels that are the whole image, possibly scaled down. */
    public DecodedImage(RgbImage pixels, int width, int height) {
        this(pixels, width, height, null);
    }

    public static DecodedImage fullSize(RgbImage pixels) {
        return new DecodedImage(pixels, pixels.width(), pixels.height());
    }
}
