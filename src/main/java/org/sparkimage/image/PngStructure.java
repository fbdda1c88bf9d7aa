package org.sparkimage.image;

import java.util.zip.CRC32;

/**
 * Walks the PNG chunk list before decoding. javax.imageio checks no CRCs and reports a cut file
 * only as a generic I/O error, so the header size limit, truncation and damage to critical chunks
 * are decided here.
 */
final class PngStructure {
    private static final int SIGNATURE_LENGTH = 8;
    private static final int IHDR = type("IHDR");
    private static final int IDAT = type("IDAT");
    private static final int IEND = type("IEND");

    private PngStructure() {
    }

    /**
     * @throws ImageDecodeException TOO_LARGE / CORRUPT for the IHDR size (checked first, so that a
     *                              bomb with a cut body is still TOO_LARGE), CORRUPT for a bad CRC in
     *                              a critical chunk or a missing IHDR, TRUNCATED if the data ends
     *                              inside a chunk or before any IDAT
     */
    static void verify(byte[] d, PixelLimit limit) throws ImageDecodeException {
        int pos = SIGNATURE_LENGTH;
        if (d.length < pos + 8 + 13 || readInt(d, pos + 4) != IHDR) {
            if (d.length < pos + 8 + 13) throw new ImageDecodeException(ImageError.TRUNCATED, "PNG: data ends before the IHDR chunk is complete");
            throw new ImageDecodeException(ImageError.CORRUPT, "PNG: the first chunk is not IHDR");
        }
        limit.check(readInt(d, pos + 8) & 0xFFFFFFFFL, readInt(d, pos + 12) & 0xFFFFFFFFL, "PNG IHDR");

        CRC32 crc = new CRC32();
        boolean idatSeen = false;
        while (pos + 8 <= d.length) {
            long length = readInt(d, pos) & 0xFFFFFFFFL;
            int type = readInt(d, pos + 4);
            String name = typeName(type);
            if (length > Integer.MAX_VALUE || pos + 12 + length > d.length) {
                throw new ImageDecodeException(ImageError.TRUNCATED, "PNG: data ends inside the " + name + " chunk at offset " + pos);
            }
            // Bit 5 of the first type byte clear = critical chunk; a bad CRC there is fatal, on an
            // ancillary chunk (tEXt, iCCP, ...) the decoder may ignore the chunk.
            boolean critical = (type & 0x20000000) == 0;
            if (critical) {
                crc.reset();
                crc.update(d, pos + 4, 4 + (int) length);
                if ((int) crc.getValue() != readInt(d, pos + 8 + (int) length)) {
                    throw new ImageDecodeException(ImageError.CORRUPT, "PNG: CRC mismatch in the " + name + " chunk at offset " + pos);
                }
            }
            if (type == IDAT) idatSeen = true;
            if (type == IEND) return;
            pos += 12 + (int) length;
        }
        // No IEND: a cut file. Only when no image data at all arrived can this be decided here;
        // otherwise the zlib stream tells whether the pixels are complete (a missing IEND alone is harmless).
        if (!idatSeen) throw new ImageDecodeException(ImageError.TRUNCATED, "PNG: data ends before any IDAT chunk");
    }

    private static int readInt(byte[] d, int pos) {
        return (d[pos] & 0xFF) << 24 | (d[pos + 1] & 0xFF) << 16 | (d[pos + 2] & 0xFF) << 8 | (d[pos + 3] & 0xFF);
    }

    private static int type(String name) {
        return name.charAt(0) << 24 | name.charAt(1) << 16 | name.charAt(2) << 8 | name.charAt(3);
    }

    private static String typeName(int type) {
        StringBuilder b = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = type >>> shift & 0xFF;
            b.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return b.toString();
    }
}
