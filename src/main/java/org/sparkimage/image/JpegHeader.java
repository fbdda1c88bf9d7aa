package org.sparkimage.image;

/**
 * What the JPEG marker segments before the first scan say: frame size, coding process and EXIF
 * orientation. Read by walking the segments (no entropy-coded data is touched), so that size
 * limits and unsupported coding processes are known before a decoder allocates anything.
 *
 * @param width       SOF width (stored, before orientation)
 * @param height      SOF height
 * @param sofMarker   the frame marker, 0xC0..0xCF
 * @param precision   bits per sample
 * @param orientation EXIF orientation 1..8 (1 without Exif)
 */
record JpegHeader(int width, int height, int sofMarker, int precision, int orientation) {
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int APP1 = 0xE1;

    /**
     * @throws ImageDecodeException TOO_LARGE / CORRUPT for the frame size (checked as soon as the
     *                              frame header is seen), UNSUPPORTED_FORMAT for coding processes the
     *                              decoder lacks, TRUNCATED if the data ends before the first scan,
     *                              CORRUPT for a broken segment structure
     */
    static JpegHeader read(byte[] d, PixelLimit limit) throws ImageDecodeException {
        int pos = 2; // after SOI
        int orientation = ExifOrientation.NORMAL;
        boolean exifSeen = false;
        JpegHeader frame = null;
        while (true) {
            if (pos >= d.length) throw truncated();
            if ((d[pos] & 0xFF) != 0xFF) {
                throw new ImageDecodeException(ErrorCode.CORRUPT, "JPEG: no marker at offset " + pos + " before the first scan");
            }
            while (pos < d.length && (d[pos] & 0xFF) == 0xFF) pos++; // fill bytes
            if (pos >= d.length) throw truncated();
            int marker = d[pos++] & 0xFF;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length field
            if (marker == EOI) throw new ImageDecodeException(ErrorCode.TRUNCATED, "JPEG: end of image before any scan data");
            if (marker == SOI || marker == 0x00) {
                throw new ImageDecodeException(ErrorCode.CORRUPT, String.format("JPEG: unexpected marker 0x%02X at offset %d", marker, pos - 1));
            }
            if (pos + 2 > d.length) throw truncated();
            int length = (d[pos] & 0xFF) << 8 | (d[pos + 1] & 0xFF);
            if (length < 2) throw new ImageDecodeException(ErrorCode.CORRUPT, "JPEG: segment length " + length + " at offset " + pos);
            int body = pos + 2;
            int end = pos + length;
            if (isFrameMarker(marker)) {
                if (frame != null) throw new ImageDecodeException(ErrorCode.CORRUPT, "JPEG: more than one frame header");
                if (end > d.length || length < 8) throw truncated();
                int precision = d[body] & 0xFF;
                int height = (d[body + 1] & 0xFF) << 8 | (d[body + 2] & 0xFF);
                int width = (d[body + 3] & 0xFF) << 8 | (d[body + 4] & 0xFF);
                limit.check(width, height, String.format("JPEG SOF%d", marker - 0xC0));
                checkProcess(marker, precision);
                frame = new JpegHeader(width, height, marker, precision, orientation);
            } else if (marker == APP1 && !exifSeen && isExif(d, body, end)) {
                exifSeen = true;
                orientation = ExifOrientation.parse(d, body + 6, end - body - 6);
            } else if (marker == SOS) {
                if (frame == null) throw new ImageDecodeException(ErrorCode.CORRUPT, "JPEG: scan before any frame header");
                if (end > d.length) throw truncated();
                return new JpegHeader(frame.width, frame.height, frame.sofMarker, frame.precision, orientation);
            }
            if (end > d.length) throw truncated();
            pos = end;
        }
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isFrameMarker(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    /**
     * Baseline, extended, progressive, lossless and arithmetic-coded 8-bit frames are left to the
     * decoder. 12/16-bit sequential and hierarchical frames are variants the JDK's 8-bit libjpeg
     * rejects with misleading "corrupt data" errors, so they are named for what they are here.
     */
    private static void checkProcess(int marker, int precision) throws ImageDecodeException {
        boolean known = marker == 0xC0 || marker == 0xC1 || marker == 0xC2 || marker == 0xC3
                || marker == 0xC9 || marker == 0xCA;
        if (!known) {
            throw new ImageDecodeException(ErrorCode.UNSUPPORTED_FORMAT,
                    String.format("JPEG coding process SOF%d (hierarchical/differential) is not supported", marker - 0xC0));
        }
        if (precision != 8) {
            throw new ImageDecodeException(ErrorCode.UNSUPPORTED_FORMAT,
                    String.format("%d-bit JPEG (SOF%d) is not supported, only 8-bit samples", precision, marker - 0xC0));
        }
    }

    private static boolean isExif(byte[] d, int body, int end) {
        return end - body >= 6 && end <= d.length && d[body] == 'E' && d[body + 1] == 'x' && d[body + 2] == 'i'
                && d[body + 3] == 'f' && d[body + 4] == 0 && d[body + 5] == 0;
    }

    private static ImageDecodeException truncated() {
        return new ImageDecodeException(ErrorCode.TRUNCATED, "JPEG: data ends inside the headers, before the first scan");
    }
}
