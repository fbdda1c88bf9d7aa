package org.sparkimage.image;

/**
 * Already-decoded 8-bit pixels in OpenCV's layout (the layout of Spark's image data source):
 * row-major, no row padding, channels in B,G,R(,A) order or one grey channel.
 */
public final class InterleavedPixels {
    private InterleavedPixels() {}

    /**
     * The pixels as an opaque RGB image, alpha composited onto {@code background}.
     *
     * @throws ImageDecodeException CORRUPT when the sizes do not match the data, UNSUPPORTED_FORMAT
     *                              for a channel count other than 1, 3 or 4, TOO_LARGE above
     *                              {@code maxPixels}
     */
    public static RgbImage fromBgr(int width, int height, int channels, byte[] data, int[] background, long maxPixels)
            throws ImageDecodeException {
        if (width <= 0 || height <= 0) throw new ImageDecodeException(ImageError.CORRUPT, "image is " + width + "x" + height);
        if ((long) width * height > maxPixels) {
            throw new ImageDecodeException(ImageError.TOO_LARGE,
                    "image is " + width + "x" + height + ", more than the limit of " + maxPixels + " pixels");
        }
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new ImageDecodeException(ImageError.UNSUPPORTED_FORMAT, channels + "-channel pixels (1, 3 or 4 are supported)");
        }
        long expected = (long) width * height * channels;
        if (data == null || data.length != expected) {
            throw new ImageDecodeException(ImageError.CORRUPT, "pixel data has " + (data == null ? 0 : data.length)
                    + " bytes, " + width + "x" + height + "x" + channels + " needs " + expected);
        }
        AlphaCompositor alpha = new AlphaCompositor(background);
        int n = width * height;
        byte[] rgb = new byte[n * 3];
        for (int i = 0, s = 0, d = 0; i < n; i++, s += channels, d += 3) {
            if (channels == 1) {
                rgb[d] = rgb[d + 1] = rgb[d + 2] = data[s];
            } else if (channels == 3) {
                rgb[d] = data[s + 2];
                rgb[d + 1] = data[s + 1];
                rgb[d + 2] = data[s];
            } else {
                int a = data[s + 3] & 0xFF;
                rgb[d] = (byte) alpha.over(data[s + 2] & 0xFF, a, 0);
                rgb[d + 1] = (byte) alpha.over(data[s + 1] & 0xFF, a, 1);
                rgb[d + 2] = (byte) alpha.over(data[s] & 0xFF, a, 2);
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
