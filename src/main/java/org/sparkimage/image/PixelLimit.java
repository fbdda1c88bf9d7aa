package org.sparkimage.image;

/**
 * The largest canvas the decoder agrees to allocate. Checked against the dimensions a header
 * declares, before any pixel buffer exists, so that a 1 KB file declaring 65500x65500 is refused
 * instead of exhausting the heap.
 */
final class PixelLimit {
    private final long maxPixels;

    PixelLimit(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    long maxPixels() {
        return maxPixels;
    }

    /**
     * @param what names the declaring header in the message, e.g. "PNG IHDR"
     * @throws ImageDecodeException CORRUPT for a zero or negative side, TOO_LARGE above the limit
     */
    void check(long width, long height, String what) throws ImageDecodeException {
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException(ImageError.CORRUPT, what + " declares an empty image " + width + "x" + height);
        }
        // width > max / height avoids the overflow of width * height for 32-bit sides.
        if (width > maxPixels / height) {
            throw new ImageDecodeException(ImageError.TOO_LARGE, what + " declares " + width + "x" + height
                    + " pixels, over the limit of " + maxPixels + " pixels");
        }
    }
}
