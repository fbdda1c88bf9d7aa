package org.sparkimage.image;

/**
 * The one TIFF structure checked before the reader: the first image directory (IFD) must lie
 * inside the data. Writers often put it at the end of the file, so a cut file points past its own
 * end or holds half a directory; readers then report "no images" or an index error, which says
 * nothing about the cause. Sizes are left to the reader's header
 * parse (checked against the pixel limit before decoding).
 */
final class TiffStructure {
    private TiffStructure() {
    }

    static void verify(byte[] d) throws ImageDecodeException {
        boolean little = d[0] == 'I';
        boolean big = d.length > 3 && (d[little ? 2 : 3] & 0xFF) == 43; // BigTIFF: 8-byte offsets at 8
        int at = big ? 8 : 4;
        int width = big ? 8 : 4;
        if (d.length < at + width) throw new ImageDecodeException(ImageError.TRUNCATED, "TIFF: data ends inside the header");
        long offset = read(d, at, width, little);
        int countWidth = big ? 8 : 2;
        if (offset < 0 || offset > d.length - countWidth) { // not offset + countWidth: a BigTIFF offset can overflow
            throw new ImageDecodeException(ImageError.TRUNCATED,
                    "TIFF: the first image directory is at offset " + Long.toUnsignedString(offset) + ", past the end of the " + d.length + "-byte file");
        }
        long entries = read(d, (int) offset, countWidth, little);
        long room = d.length - offset - countWidth - width; // bytes left for the entries
        if (entries < 0 || room < 0 || entries > room / (big ? 20 : 12)) { // a BigTIFF count times 20 can overflow
            throw new ImageDecodeException(ImageError.TRUNCATED,
                    "TIFF: data ends inside the first image directory (" + entries + " entries at offset " + offset + ")");
        }
    }

    private static long read(byte[] d, int at, int width, boolean little) {
        long value = 0;
        for (int i = 0; i < width; i++) value = value << 8 | (d[at + (little ? width - 1 - i : i)] & 0xFF);
        return value;
    }
}
