package org.sparkimage.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Identifies the image format from the leading bytes. File names are never consulted: crawled
 * files carry wrong extensions as often as right ones.
 */
public final class FormatSniffer {
    /** How far into a text file to look for an {@code <svg} element after an XML prolog or comments. */
    private static final int SVG_SCAN_BYTES = 4096;

    private FormatSniffer() {
    }

    /** The format whose signature {@code data} starts with, or empty for no known image signature. */
    public static Optional<ImageFormat> sniff(byte[] data) {
        return Optional.ofNullable(detect(data));
    }

    private static ImageFormat detect(byte[] d) {
        if (startsWith(d, 0, 0xFF, 0xD8, 0xFF)) return ImageFormat.JPEG;
        if (startsWith(d, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return ImageFormat.PNG;
        if (startsWith(d, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(d, 0, 'G', 'I', 'F', '8', '9', 'a')) return ImageFormat.GIF;
        if (isBmp(d)) return ImageFormat.BMP;
        if (startsWith(d, 0, 'I', 'I', 42, 0) || startsWith(d, 0, 'M', 'M', 0, 42)
                || startsWith(d, 0, 'I', 'I', 43, 0) || startsWith(d, 0, 'M', 'M', 0, 43)) return ImageFormat.TIFF;
        if (startsWith(d, 0, 'R', 'I', 'F', 'F') && startsWith(d, 8, 'W', 'E', 'B', 'P')) return ImageFormat.WEBP;
        if (startsWith(d, 0, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)
                || startsWith(d, 0, 0xFF, 0x4F, 0xFF, 0x51)) return ImageFormat.JPEG_2000;
        if (startsWith(d, 0, 0xFF, 0x0A)
                || startsWith(d, 0, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)) return ImageFormat.JPEG_XL;
        if (startsWith(d, 4, 'f', 't', 'y', 'p')) return isoBmffImage(d);
        if (isSvg(d)) return ImageFormat.SVG;
        return otherImage(d);
    }

    /**
     * Image formats no decoder here reads, recognised so that they are UNSUPPORTED_FORMAT rather
     * than NOT_AN_IMAGE: the file is an image, the project just cannot decode it.
     */
    private static ImageFormat otherImage(byte[] d) {
        if (startsWith(d, 0, 'I', 'I', 0xBC)) return ImageFormat.JPEG_XR;
        if (startsWith(d, 0, '8', 'B', 'P', 'S', 0) && d.length > 5 && (d[5] == 1 || d[5] == 2)) return ImageFormat.PSD;
        if (isIco(d)) return ImageFormat.ICO;
        if (startsWith(d, 0, 'i', 'c', 'n', 's')) return ImageFormat.ICNS;
        if (isNetpbm(d)) return ImageFormat.PNM;
        if (startsWith(d, 0, 'q', 'o', 'i', 'f')) return ImageFormat.QOI;
        if (startsWith(d, 0, 0x76, 0x2F, 0x31, 0x01)) return ImageFormat.OPENEXR;
        if (startsWith(d, 0, '#', '?', 'R', 'A', 'D', 'I', 'A', 'N', 'C', 'E') || startsWith(d, 0, '#', '?', 'R', 'G', 'B', 'E')) {
            return ImageFormat.RADIANCE_HDR;
        }
        if (startsWith(d, 0, 'D', 'D', 'S', ' ')) return ImageFormat.DDS;
        if (startsWith(d, 0, 'B', 'P', 'G', 0xFB)) return ImageFormat.BPG;
        if (startsWith(d, 0, 'F', 'L', 'I', 'F')) return ImageFormat.FLIF;
        if (startsWith(d, 128, 'D', 'I', 'C', 'M')) return ImageFormat.DICOM;
        if (startsWith(d, 0, 'g', 'i', 'm', 'p', ' ', 'x', 'c', 'f')) return ImageFormat.XCF;
        if (d.length >= 44 && startsWith(d, d.length - 18, 'T', 'R', 'U', 'E', 'V', 'I', 'S', 'I', 'O', 'N', '-', 'X', 'F', 'I', 'L', 'E', '.', 0)) {
            return ImageFormat.TGA;
        }
        return null;
    }

    /** ICONDIR (reserved 0, type 1 icon or 2 cursor, 1..255 images) and a plausible first entry. */
    private static boolean isIco(byte[] d) {
        if (d.length < 22 || !(startsWith(d, 0, 0, 0, 1, 0) || startsWith(d, 0, 0, 0, 2, 0))) return false;
        int count = (d[4] & 0xFF) | (d[5] & 0xFF) << 8;
        long offset = (d[18] & 0xFFL) | (d[19] & 0xFF) << 8 | (d[20] & 0xFF) << 16 | (long) (d[21] & 0xFF) << 24;
        return count >= 1 && count <= 255 && d[9] == 0 && offset >= 6 + 16L * count;
    }

    /** Netpbm: "P1".."P7" or "PF"/"Pf" followed by whitespace. */
    private static boolean isNetpbm(byte[] d) {
        if (d.length < 3 || d[0] != 'P') return false;
        boolean kind = (d[1] >= '1' && d[1] <= '7') || d[1] == 'F' || d[1] == 'f';
        return kind && (d[2] == ' ' || d[2] == '\t' || d[2] == '\n' || d[2] == '\r');
    }

    /** "BM" alone is too weak a signature; also require a known DIB header size. */
    private static boolean isBmp(byte[] d) {
        if (!startsWith(d, 0, 'B', 'M') || d.length < 18) return false;
        int dibSize = (d[14] & 0xFF) | (d[15] & 0xFF) << 8 | (d[16] & 0xFF) << 16 | (d[17] & 0xFF) << 24;
        return dibSize == 12 || dibSize == 40 || dibSize == 52 || dibSize == 56 || dibSize == 64
                || dibSize == 108 || dibSize == 124;
    }

    /** ISO-BMFF: the major brand and compatible brands of the ftyp box tell AVIF from HEIF from video. */
    private static ImageFormat isoBmffImage(byte[] d) {
        long boxSize = ((d[0] & 0xFFL) << 24) | (d[1] & 0xFF) << 16 | (d[2] & 0xFF) << 8 | (d[3] & 0xFF);
        int end = (int) Math.min(d.length, Math.max(16, boxSize));
        boolean heif = false;
        for (int pos = 8; pos + 4 <= end; pos += 4) {
            if (pos == 12) continue; // minor version, not a brand
            String brand = new String(d, pos, 4, StandardCharsets.ISO_8859_1);
            if (brand.equals("avif") || brand.equals("avis")) return ImageFormat.AVIF;
            if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) heif = true;
        }
        return heif ? ImageFormat.HEIF : null;
    }

    /** An SVG document: optional BOM and whitespace, then {@code <svg}, or an XML prolog/comment/doctype followed by it. */
    private static boolean isSvg(byte[] d) {
        int start = startsWith(d, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        while (start < d.length && (d[start] == ' ' || d[start] == '\t' || d[start] == '\r' || d[start] == '\n')) start++;
        String head = new String(d, start, Math.min(d.length - start, SVG_SCAN_BYTES), StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        if (head.startsWith("<svg")) return true;
        boolean xmlLike = head.startsWith("<?xml") || head.startsWith("<!--") || head.startsWith("<!doctype svg");
        return xmlLike && head.contains("<svg");
    }

    private static boolean startsWith(byte[] d, int offset, int... signature) {
        if (d.length < offset + signature.length) return false;
        for (int i = 0; i < signature.length; i++) {
            if ((d[offset + i] & 0xFF) != signature[i]) return false;
        }
        return true;
    }
}
