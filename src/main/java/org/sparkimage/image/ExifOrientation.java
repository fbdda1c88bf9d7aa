package org.sparkimage.image;

/**
 * EXIF orientation (TIFF tag 0x0112): reading it from an Exif TIFF block and applying it to
 * pixels, so that the model sees the image upright as viewers show it.
 */
final class ExifOrientation {
    static final int NORMAL = 1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /**
     * The orientation stored in IFD0 of the TIFF structure at {@code data[offset, offset+length)}
     * (the payload of an APP1 segment after "Exif\0\0"). Damaged or absent metadata is not a reason
     * to reject the pixels, so anything unreadable gives {@link #NORMAL}.
     */
    static int parse(byte[] data, int offset, int length) {
        int end = Math.min(data.length, offset + length);
        if (offset < 0 || end - offset < 8) return NORMAL;
        boolean little;
        if (data[offset] == 'I' && data[offset + 1] == 'I') little = true;
        else if (data[offset] == 'M' && data[offset + 1] == 'M') little = false;
        else return NORMAL;
        if (u16(data, offset + 2, little) != 42) return NORMAL;
        long ifd = u32(data, offset + 4, little);
        if (ifd < 8 || ifd > end - offset - 2) return NORMAL;
        int pos = offset + (int) ifd;
        int entries = u16(data, pos, little);
        pos += 2;
        for (int i = 0; i < entries && pos + 12 <= end; i++, pos += 12) {
            if (u16(data, pos, little) != TAG_ORIENTATION) continue;
            if (u16(data, pos + 2, little) != TYPE_SHORT || u32(data, pos + 4, little) < 1) return NORMAL;
            int value = u16(data, pos + 8, little);
            return value >= 1 && value <= 8 ? value : NORMAL;
        }
        return NORMAL;
    }

    /**
     * The stored rows and columns that hold the {@code upright} ones of an image stored
     * {@code storedWidth x storedHeight} with {@code orientation}: the same walk as {@link #apply}
     * (5-8 turn upright columns into stored rows; 2, 3, 6, 7 mirror one side). Applying the
     * orientation to the stored samples, compacted in ascending order, gives the upright samples
     * in ascending order.
     */
    static SampledAxes storedAxes(SampledAxes upright, int storedWidth, int storedHeight, int orientation) {
        int o = orientation < 1 || orientation > 8 ? NORMAL : orientation;
        if (o < 5) {
            int[] rows = o == 3 || o == 4 ? SampledAxes.mirrored(upright.rows(), storedHeight) : upright.rows();
            int[] cols = o == 2 || o == 3 ? SampledAxes.mirrored(upright.cols(), storedWidth) : upright.cols();
            return new SampledAxes(rows, cols);
        }
        int[] rows = o == 6 || o == 7 ? SampledAxes.mirrored(upright.cols(), storedHeight) : upright.cols();
        int[] cols = o == 7 || o == 8 ? SampledAxes.mirrored(upright.rows(), storedWidth) : upright.rows();
        return new SampledAxes(rows, cols);
    }

    /**
     * The upright image for pixels stored with {@code orientation} (1-8 as EXIF defines them; 5-8
     * swap width and height). Every orientation is an affine walk through the stored pixels:
     * output pixel (x, y) reads stored index {@code start + x*stepX + y*stepY}.
     */
    static RgbImage apply(RgbImage img, int orientation) {
        if (orientation == NORMAL || orientation < 1 || orientation > 8) return img;
        int w = img.width();
        int h = img.height();
        int row = 3 * w;
        int last = 3 * ((h - 1) * w + (w - 1));
        int start;
        int stepX;
        int stepY;
        switch (orientation) {
            case 2 -> { start = 3 * (w - 1); stepX = -3; stepY = row; }            // mirror horizontally
            case 3 -> { start = last; stepX = -3; stepY = -row; }                  // rotate 180
            case 4 -> { start = 3 * (h - 1) * w; stepX = 3; stepY = -row; }        // mirror vertically
            case 5 -> { start = 0; stepX = row; stepY = 3; }                       // transpose
            case 6 -> { start = 3 * (h - 1) * w; stepX = -row; stepY = 3; }        // rotate 90 clockwise
            case 7 -> { start = last; stepX = -row; stepY = -3; }                  // transverse
            default -> { start = 3 * (w - 1); stepX = row; stepY = -3; }           // 8: rotate 90 counter-clockwise
        }
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        byte[] src = img.pixels();
        byte[] out = new byte[src.length];
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int s = start + y * stepY;
            for (int x = 0; x < outW; x++, s += stepX) {
                out[o++] = src[s];
                out[o++] = src[s + 1];
                out[o++] = src[s + 2];
            }
        }
        return new RgbImage(outW, outH, out);
    }

    private static int u16(byte[] d, int pos, boolean little) {
        int a = d[pos] & 0xFF;
        int b = d[pos + 1] & 0xFF;
        return little ? a | b << 8 : a << 8 | b;
    }

    private static long u32(byte[] d, int pos, boolean little) {
        long lo = u16(d, little ? pos : pos + 2, little);
        long hi = u16(d, little ? pos + 2 : pos, little);
        return hi << 16 | lo;
    }
}
