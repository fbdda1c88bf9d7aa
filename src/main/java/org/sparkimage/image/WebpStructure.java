package org.sparkimage.image;

import java.nio.charset.StandardCharsets;

/**
 * Walks the RIFF chunks of a WebP file before decoding. The canvas (VP8X) and every frame size
 * count for the pixel limit, like a GIF's logical screen; and a cut file is decided here, because
 * the VP8L decoder fills missing data without complaint and returns a complete-looking image.
 */
final class WebpStructure {
    private static final int RIFF_HEADER = 12; // "RIFF", size, "WEBP"

    private WebpStructure() {
    }

    /**
     * @throws ImageDecodeException TOO_LARGE / CORRUPT for the canvas or a frame size, TRUNCATED when
     *                              the RIFF size or a chunk runs past the end of the data or no image
     *                              chunk arrives
     */
    static void verify(byte[] d, PixelLimit limit) throws ImageDecodeException {
        long riffEnd = 8 + u32(d, 4);
        if (riffEnd > d.length) {
            throw new ImageDecodeException(ImageError.TRUNCATED,
                    "WebP: the RIFF header declares " + riffEnd + " bytes, the file has " + d.length);
        }
        boolean image = false;
        int pos = RIFF_HEADER;
        while (pos + 8 <= riffEnd) {
            String fourcc = new String(d, pos, 4, StandardCharsets.ISO_8859_1);
            long size = u32(d, pos + 4);
            int body = pos + 8;
            if (body + size > riffEnd) {
                throw new ImageDecodeException(ImageError.TRUNCATED, "WebP: data ends inside the " + fourcc + " chunk at offset " + pos);
            }
            switch (fourcc) {
                case "VP8X" -> {
                    if (size >= 10) limit.check(u24(d, body + 4) + 1L, u24(d, body + 7) + 1L, "WebP VP8X canvas");
                }
                case "ANMF" -> {
                    if (size >= 16) limit.check(u24(d, body + 6) + 1L, u24(d, body + 9) + 1L, "WebP animation frame");
                    image = true;
                }
                case "VP8 " -> {
                    if (size >= 10) limit.check(u16(d, body + 6) & 0x3FFF, u16(d, body + 8) & 0x3FFF, "WebP VP8 frame");
                    image = true;
                }
                case "VP8L" -> {
                    if (size >= 5) {
                        long bits = u32(d, body + 1);
                        limit.check((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1, "WebP VP8L frame");
                    }
                    image = true;
                }
                default -> {
                    // ICCP, EXIF, XMP, ALPH, ANIM: nothing that sizes a buffer
                }
            }
            pos = body + (int) size + (int) (size & 1); // chunks are padded to even sizes
        }
        if (!image) throw new ImageDecodeException(ImageError.TRUNCATED, "WebP: data ends before any image chunk");
    }

    private static int u16(byte[] d, int p) {
        return (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8;
    }

    private static int u24(byte[] d, int p) {
        return u16(d, p) | (d[p + 2] & 0xFF) << 16;
    }

    private static long u32(byte[] d, int p) {
        return (u24(d, p) | (long) (d[p + 3] & 0xFF) << 24);
    }
}
