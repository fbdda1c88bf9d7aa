package org.sparkimage.image;

/**
 * Composites 8-bit samples with alpha over an opaque background colour. The model expects an
 * opaque image; dropping alpha instead would expose whatever colour the encoder left under
 * transparent pixels (often black, sometimes magenta or green).
 */
final class AlphaCompositor {
    private final int[] background;

    /** @param background R, G, B in 0..255 */
    AlphaCompositor(int[] background) {
        if (background.length != 3) throw new IllegalArgumentException("background needs 3 values");
        for (int v : background) {
            if (v < 0 || v > 255) throw new IllegalArgumentException("background value out of 0..255: " + v);
        }
        this.background = background.clone();
    }

    /**
     * {@code round(c*a/255 + bg*(1 - a/255))} for straight (non-premultiplied) alpha; a = 255
     * returns c unchanged. The exact quotient never ends in .5 (denominator 255 is odd), so adding
     * 127 before the integer division rounds to nearest.
     */
    int over(int c, int alpha, int channel) {
        return (c * alpha + background[channel] * (255 - alpha) + 127) / 255;
    }

    /** The same for premultiplied samples, where c already holds c*a/255. */
    int overPremultiplied(int c, int alpha, int channel) {
        return Math.min(255, (c * 255 + background[channel] * (255 - alpha) + 127) / 255);
    }
}
