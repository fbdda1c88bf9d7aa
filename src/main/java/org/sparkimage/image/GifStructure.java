package org.sparkimage.image;

/**
 * Walks a GIF up to the end of its first frame. The logical screen counts for the pixel limit
 * (compositing decoders allocate it), and javax.imageio fills a frame whose LZW data is cut
 * short without any warning, so truncation of the first frame is decided here.
 */
final class GifStructure {
    private static final int HEADER_LENGTH = 13; // signature + logical screen descriptor
    private static final int EXTENSION = 0x21;
    private static final int IMAGE = 0x2C;
    private static final int TRAILER = 0x3B;

    private GifStructure() {
    }

    /**
     * @throws ImageDecodeException TOO_LARGE / CORRUPT for the logical screen or first frame size,
     *                              TRUNCATED if the data ends before the first frame is complete,
     *                              CORRUPT for an unknown block or a file without any frame
     */
    static void verify(byte[] d, PixelLimit limit) throws ImageDecodeException {
        if (d.length < HEADER_LENGTH) throw truncated();
        limit.check(u16(d, 6), u16(d, 8), "GIF logical screen");
        int pos = HEADER_LENGTH + colorTableLength(d[10]);
        while (true) {
            if (pos >= d.length) throw truncated();
            int block = d[pos] & 0xFF;
            if (block == EXTENSION) {
                pos = skipSubBlocks(d, pos + 2);
            } else if (block == IMAGE) {
                if (pos + 10 > d.length) throw truncated();
                limit.check(u16(d, pos + 5), u16(d, pos + 7), "GIF frame");
                pos += 10 + colorTableLength(d[pos + 9]);
                skipSubBlocks(d, pos + 1); // after the LZW minimum code size
                return;
            } else if (block == TRAILER) {
                throw new ImageDecodeException(ImageError.CORRUPT, "GIF: no frame before the trailer");
            } else {
                throw new ImageDecodeException(ImageError.CORRUPT, String.format("GIF: unknown block 0x%02X at offset %d", block, pos));
            }
        }
    }

    /** Position after the 0-length terminator of the sub-block chain starting at {@code pos}. */
    private static int skipSubBlocks(byte[] d, int pos) throws ImageDecodeException {
        while (true) {
            if (pos >= d.length) throw truncated();
            int size = d[pos] & 0xFF;
            pos += 1 + size;
            if (size == 0) return pos;
        }
    }

    /** Bytes of the colour table announced by a packed flags byte (bit 7 = present, bits 0-2 = size). */
    private static int colorTableLength(byte flags) {
        return (flags & 0x80) == 0 ? 0 : 3 << ((flags & 0x07) + 1);
    }

    private static int u16(byte[] d, int pos) {
        return (d[pos] & 0xFF) | (d[pos + 1] & 0xFF) << 8;
    }

    private static ImageDecodeException truncated() {
        return new ImageDecodeException(ImageError.TRUNCATED, "GIF: data ends before the first frame is complete");
    }
}
