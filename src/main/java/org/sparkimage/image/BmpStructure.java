package org.sparkimage.image;

/**
 * The size a BMP header declares, checked before the reader runs: the JDK's BMP reader rejects
 * some giant sizes itself with a message that reads as damage, while a header declaring a huge
 * canvas over a tiny body is a decompression bomb (TOO_LARGE).
 */
final class BmpStructure {
    private static final int FILE_HEADER = 14;
    private static final int OS2_CORE_HEADER = 12;

    private BmpStructure() {
    }

    static void verify(byte[] d, PixelLimit limit) throws ImageDecodeException {
        if (d.length < FILE_HEADER + OS2_CORE_HEADER) {
            throw new ImageDecodeException(ImageError.TRUNCATED, "BMP: data ends inside the headers");
        }
        int dibSize = s32(d, FILE_HEADER);
        long width;
        long height;
        if (dibSize == OS2_CORE_HEADER) {
            width = u16(d, 18);
            height = u16(d, 20);
        } else {
            if (d.length < 26) throw new ImageDecodeException(ImageError.TRUNCATED, "BMP: data ends inside the headers");
            width = s32(d, 18);
            height = Math.abs((long) s32(d, 22)); // negative: rows stored top-down
        }
        limit.check(width, height, "BMP header");
    }

    private static int u16(byte[] d, int p) {
        return (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8;
    }

    private static int s32(byte[] d, int p) {
        return u16(d, p) | (d[p + 2] & 0xFF) << 16 | (d[p + 3] & 0xFF) << 24;
    }
}
