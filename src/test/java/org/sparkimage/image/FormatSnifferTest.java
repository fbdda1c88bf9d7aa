package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class FormatSnifferTest {
    private static Optional<ImageFormat> sniff(int... bytes) {
        byte[] d = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) d[i] = (byte) bytes[i];
        return FormatSniffer.sniff(d);
    }

    private static Optional<ImageFormat> sniff(String text) {
        return FormatSniffer.sniff(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void rasterSignatures() {
        assertEquals(Optional.of(ImageFormat.JPEG), sniff(0xFF, 0xD8, 0xFF, 0xE0));
        assertEquals(Optional.of(ImageFormat.PNG), sniff(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A));
        assertEquals(Optional.of(ImageFormat.GIF), sniff("GIF87a"));
        assertEquals(Optional.of(ImageFormat.GIF), sniff("GIF89a"));
        assertEquals(Optional.of(ImageFormat.TIFF), sniff('I', 'I', 42, 0));
        assertEquals(Optional.of(ImageFormat.TIFF), sniff('M', 'M', 0, 42));
        assertEquals(Optional.of(ImageFormat.WEBP), sniff("RIFF\0\0\0\0WEBPVP8 "));
        assertEquals(Optional.of(ImageFormat.JPEG_2000), sniff(0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A));
        assertEquals(Optional.of(ImageFormat.JPEG_XL), sniff(0xFF, 0x0A, 0x00));
    }

    @Test
    void bmpNeedsAPlausibleInfoHeader() {
        int[] bmp = new int[30];
        bmp[0] = 'B';
        bmp[1] = 'M';
        bmp[14] = 40;
        assertEquals(Optional.of(ImageFormat.BMP), sniff(bmp));
        bmp[14] = 99;
        assertEquals(Optional.empty(), sniff(bmp));
        assertEquals(Optional.empty(), sniff("BM hello, this is just text"));
    }

    @Test
    void isoBmffBrands() {
        assertEquals(Optional.of(ImageFormat.AVIF), sniff("\0\0\0\u0020ftypavif\0\0\0\0avifmif1miaf"));
        assertEquals(Optional.of(ImageFormat.AVIF), sniff("\0\0\0\u0018ftypmif1\0\0\0\0mif1avif"));
        assertEquals(Optional.of(ImageFormat.HEIF), sniff("\0\0\0\u0018ftypheic\0\0\0\0mif1heic"));
        assertEquals(Optional.empty(), sniff("\0\0\0\u0018ftypisom\0\0\0\0isomiso2"), "MP4 video");
    }

    @Test
    void textIsAnImageOnlyWhenItIsSvg() {
        assertEquals(Optional.of(ImageFormat.SVG), sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        assertEquals(Optional.of(ImageFormat.SVG), sniff("\u00EF\u00BB\u00BF  \n<?xml version=\"1.0\"?>\n<!-- x -->\n<svg>"));
        assertEquals(Optional.empty(), sniff("<?xml version=\"1.0\"?><rss></rss>"));
        assertEquals(Optional.empty(), sniff("<!DOCTYPE html><html><body><svg></svg></body></html>"), "HTML page with inline SVG");
        assertEquals(Optional.empty(), sniff("%PDF-1.4"));
        assertEquals(Optional.empty(), sniff(""));
        assertEquals(Optional.empty(), sniff(0xFF, 0xD8), "too short for JPEG");
    }
}
