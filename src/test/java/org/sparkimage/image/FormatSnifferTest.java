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
    void imagesWithoutADecoderAreStillImages() {
        assertEquals(Optional.of(ImageFormat.PSD), sniff("8BPS\0\1\0\0"));
        assertEquals(Optional.of(ImageFormat.PNM), sniff("P6\n640 480\n255\n"));
        assertEquals(Optional.of(ImageFormat.PNM), sniff("P5 12 12 255 "));
        assertEquals(Optional.of(ImageFormat.QOI), sniff("qoif\0\0\0\1"));
        assertEquals(Optional.of(ImageFormat.OPENEXR), sniff(0x76, 0x2F, 0x31, 0x01, 2, 0, 0, 0));
        assertEquals(Optional.of(ImageFormat.RADIANCE_HDR), sniff("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n"));
        assertEquals(Optional.of(ImageFormat.DDS), sniff("DDS |\0\0\0"));
        assertEquals(Optional.of(ImageFormat.JPEG_XR), sniff('I', 'I', 0xBC, 0x01));
        int[] ico = new int[22];
        ico[2] = 1;
        ico[4] = 1;
        ico[6] = 16;
        ico[7] = 16;
        ico[18] = 22;
        assertEquals(Optional.of(ImageFormat.ICO), sniff(ico));
        ico[18] = 2; // image data inside the directory: not an icon
        assertEquals(Optional.empty(), sniff(ico));
        byte[] tga = new byte[64];
        byte[] footer = "TRUEVISION-XFILE.\0".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(footer, 0, tga, tga.length - footer.length, footer.length);
        assertEquals(Optional.of(ImageFormat.TGA), FormatSniffer.sniff(tga));
        // Plain text that merely starts with "P" is no Netpbm file.
        assertEquals(Optional.empty(), sniff("Please find attached"));
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
