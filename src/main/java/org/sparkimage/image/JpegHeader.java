package org.sparkimage.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the JPEG marker segments say: frame size, coding process, EXIF orientation and the number
 * of scans. Read by walking the segments and skipping over entropy-coded data (nothing is
 * decoded), so that size limits, unsupported coding processes and invalid scan progressions
 * ({@link JpegScanProgression}) are known before a decoder allocates or computes anything.
 *
 * @param width       SOF width (stored, before orientation)
 * @param height      SOF height
 * @param sofMarker   the frame marker, 0xC0..0xCF
 * @param precision   bits per sample
 * @param orientation EXIF orientation 1..8 (1 without Exif)
 * @param components  colour components in the frame (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK)
 * @param scans       scans before EOI or the end of the data
 * @param iccProfile  the embedded ICC profile (APP2 chunks joined), or null without a complete one
 * @param endOfImage  whether the EOI marker was found after the scans: if so the data does not end
 *                    early, and whatever a decoder finds wrong with it is CORRUPT, never TRUNCATED
 */
record JpegHeader(int width, int height, int sofMarker, int precision, int orientation, int components, int scans,
                  byte[] iccProfile, boolean endOfImage) {
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int APP1 = 0xE1;
    private static final int APP2 = 0xE2;
    private static final byte[] ICC_TAG = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    boolean progressive() {
        return sofMarker == 0xC2 || sofMarker == 0xCA;
    }

    /**
     * @throws ImageDecodeException TOO_LARGE / CORRUPT for the frame size (checked as soon as the
     *                              frame header is seen), UNSUPPORTED_FORMAT for coding processes the
     *                              decoder lacks, TRUNCATED if the data ends before the first scan
     *                              (even right after the FF D8 FF signature, inside the first marker),
     *                              CORRUPT for a broken segment structure or scan progression, or an
     *                              EOI marker before any scan (the data is all there, but holds no image)
     */
    static JpegHeader read(byte[] d, PixelLimit limit) throws ImageDecodeException {
        int pos = 2; // after SOI
        int orientation = ExifOrientation.NORMAL;
        boolean exifSeen = false;
        Frame frame = null;
        JpegScanProgression progression = null;
        IccChunks icc = new IccChunks();
        while (true) {
            if (pos >= d.length) {
                if (progression != null && progression.scans() > 0) return frame.header(orientation, progression.scans(), icc.profile(), false); // no EOI: the decoder judges
                throw truncated();
            }
            if ((d[pos] & 0xFF) != 0xFF) {
                throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: no marker at offset " + pos + " where a segment should start");
            }
            while (pos < d.length && (d[pos] & 0xFF) == 0xFF) pos++; // fill bytes
            if (pos >= d.length) continue;
            int marker = d[pos++] & 0xFF;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length field
            if (marker == EOI) {
                if (progression != null && progression.scans() > 0) return frame.header(orientation, progression.scans(), icc.profile(), true);
                throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: end of image marker before any scan data");
            }
            if (marker == SOI || marker == 0x00) {
                throw new ImageDecodeException(ImageError.CORRUPT, String.format("JPEG: unexpected marker 0x%02X at offset %d", marker, pos - 1));
            }
            if (pos + 2 > d.length) throw truncated();
            int length = (d[pos] & 0xFF) << 8 | (d[pos + 1] & 0xFF);
            if (length < 2) throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: segment length " + length + " at offset " + pos);
            int body = pos + 2;
            int end = pos + length;
            if (end > d.length) {
                // Past the first scan this is as likely a false marker in damaged entropy data as a
                // cut file: the decoder, which sees both, judges.
                if (progression != null && progression.scans() > 0) return frame.header(orientation, progression.scans(), icc.profile(), false);
                throw truncated();
            }
            if (isFrameMarker(marker)) {
                if (frame != null) throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: more than one frame header");
                frame = Frame.parse(d, body, end, marker, limit);
                progression = new JpegScanProgression(frame.componentIds, marker == 0xC2 || marker == 0xCA);
            } else if (marker == APP1 && !exifSeen && isExif(d, body, end)) {
                exifSeen = true;
                orientation = ExifOrientation.parse(d, body + 6, end - body - 6);
            } else if (marker == APP2 && end - body > ICC_TAG.length + 2
                    && Arrays.equals(d, body, body + ICC_TAG.length, ICC_TAG, 0, ICC_TAG.length)) {
                icc.add(d[body + ICC_TAG.length] & 0xFF, d[body + ICC_TAG.length + 1] & 0xFF, d, body + ICC_TAG.length + 2, end);
            } else if (marker == SOS) {
                if (frame == null) throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: scan before any frame header");
                acceptScan(d, body, end, progression);
                pos = skipEntropyCodedData(d, end);
                continue;
            }
            pos = end;
        }
    }

    /** The frame header's fields. */
    private record Frame(int width, int height, int marker, int precision, int[] componentIds) {
        static Frame parse(byte[] d, int body, int end, int marker, PixelLimit limit) throws ImageDecodeException {
            if (end - body < 6) throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: frame header too short");
            int precision = d[body] & 0xFF;
            int height = (d[body + 1] & 0xFF) << 8 | (d[body + 2] & 0xFF);
            int width = (d[body + 3] & 0xFF) << 8 | (d[body + 4] & 0xFF);
            limit.check(width, height, String.format("JPEG SOF%d", marker - 0xC0));
            checkProcess(marker, precision);
            int components = d[body + 5] & 0xFF;
            if (components == 0 || end - body != 6 + 3 * components) {
                throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: frame header length does not match its " + components + " components");
            }
            int[] ids = new int[components];
            for (int i = 0; i < components; i++) ids[i] = d[body + 6 + 3 * i] & 0xFF;
            return new Frame(width, height, marker, precision, ids);
        }

        JpegHeader header(int orientation, int scans, byte[] iccProfile, boolean endOfImage) {
            return new JpegHeader(width, height, marker, precision, orientation, componentIds.length, scans, iccProfile, endOfImage);
        }
    }

    /** An ICC profile split over APP2 segments, each numbered i of n (1-based). */
    private static final class IccChunks {
        private byte[][] chunks;

        void add(int index, int count, byte[] d, int from, int to) {
            if (count == 0 || index == 0 || index > count) return; // malformed: ignore the profile chunk
            if (chunks == null || chunks.length != count) chunks = new byte[count][];
            chunks[index - 1] = Arrays.copyOfRange(d, from, to);
        }

        /** The joined profile, or null when none or some chunk is missing. */
        byte[] profile() {
            if (chunks == null) return null;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] c : chunks) {
                if (c == null) return null;
                out.writeBytes(c);
            }
            return out.toByteArray();
        }
    }

    private static void acceptScan(byte[] d, int body, int end, JpegScanProgression progression) throws ImageDecodeException {
        int components = end > body ? d[body] & 0xFF : 0;
        if (components == 0 || end - body != 4 + 2 * components) {
            throw new ImageDecodeException(ImageError.CORRUPT, "JPEG: scan header length does not match its " + components + " components");
        }
        int[] ids = new int[components];
        for (int i = 0; i < components; i++) ids[i] = d[body + 1 + 2 * i] & 0xFF;
        int p = body + 1 + 2 * components;
        progression.accept(ids, d[p] & 0xFF, d[p + 1] & 0xFF, (d[p + 2] & 0xF0) >> 4, d[p + 2] & 0x0F);
    }

    /**
     * The offset of the first marker after the entropy-coded data that starts at {@code pos}, or
     * {@code d.length}. Inside the data, 0xFF is followed by a stuffed 0x00, a restart marker or
     * more 0xFF fill bytes; anything else is a marker.
     */
    private static int skipEntropyCodedData(byte[] d, int pos) {
        for (int i = pos; i + 1 < d.length; i++) {
            if (d[i] != (byte) 0xFF) continue;
            int next = d[i + 1] & 0xFF;
            if (next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) return i;
        }
        return d.length;
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
            throw new ImageDecodeException(ImageError.UNSUPPORTED_FORMAT,
                    String.format("JPEG coding process SOF%d (hierarchical/differential) is not supported", marker - 0xC0));
        }
        if (precision != 8) {
            throw new ImageDecodeException(ImageError.UNSUPPORTED_FORMAT,
                    String.format("%d-bit JPEG (SOF%d) is not supported, only 8-bit samples", precision, marker - 0xC0));
        }
    }

    private static boolean isExif(byte[] d, int body, int end) {
        return end - body >= 6 && end <= d.length && d[body] == 'E' && d[body + 1] == 'x' && d[body + 2] == 'i'
                && d[body + 3] == 'f' && d[body + 4] == 0 && d[body + 5] == 0;
    }

    private static ImageDecodeException truncated() {
        return new ImageDecodeException(ImageError.TRUNCATED, "JPEG: data ends inside a marker segment");
    }
}
