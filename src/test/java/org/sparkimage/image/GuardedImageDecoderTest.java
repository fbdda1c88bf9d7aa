package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.junit.jupiter.api.Test;

/** Error paths, limits, orientation and thread safety of the decoder on synthetic and reference files. */
class GuardedImageDecoderTest {
    private final GuardedImageDecoder decoder = new GuardedImageDecoder();

    private ImageError codeOf(ImageDecoder d, byte[] data) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> d.decode(data));
        assertFalse(e.getMessage().isBlank(), "message");
        return e.code();
    }

    @Test
    void nonImagesAreNamedForWhatTheyAre() {
        assertEquals(ImageError.EMPTY, codeOf(decoder, new byte[0]));
        assertEquals(ImageError.NOT_AN_IMAGE, codeOf(decoder, new byte[] {(byte) 0xFF}));
        assertEquals(ImageError.NOT_AN_IMAGE, codeOf(decoder, "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ImageError.NOT_AN_IMAGE, codeOf(decoder, "{\"json\": true}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ImageError.UNSUPPORTED_FORMAT, codeOf(decoder, "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ImageError.UNSUPPORTED_FORMAT, codeOf(decoder, "P6\n1 1\n255\n\0\0\0".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ImageError.UNSUPPORTED_FORMAT, codeOf(decoder, "8BPS\0\1\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void pixelLimitIsConfigurableAndChecksTheHeader() throws Exception {
        byte[] png = Images.encode(Images.gradient(100, 50), "png");
        assertEquals(ImageError.TOO_LARGE, codeOf(new GuardedImageDecoder(DecodeLimits.DEFAULT.withMaxPixels(4_999), new int[] {255, 255, 255}), png));
        assertEquals(100, new GuardedImageDecoder(DecodeLimits.DEFAULT.withMaxPixels(5_000), new int[] {255, 255, 255}).decode(png).width());
        for (String format : new String[] {"jpeg", "gif", "bmp", "tiff"}) {
            byte[] data = Images.encode(Images.gradient(100, 50), format);
            assertEquals(ImageError.TOO_LARGE, codeOf(new GuardedImageDecoder(DecodeLimits.DEFAULT.withMaxPixels(4_999), new int[] {255, 255, 255}), data), format);
        }
        assertThrows(IllegalArgumentException.class, () -> DecodeLimits.DEFAULT.withMaxPixels(0));
        assertThrows(IllegalArgumentException.class, () -> DecodeLimits.DEFAULT.withMaxPixels(DecodeLimits.MAX_PIXEL_LIMIT + 1));
        assertThrows(IllegalArgumentException.class, () -> new GuardedImageDecoder(DecodeLimits.DEFAULT, new int[] {256, 0, 0}));
    }

    @Test
    void everyContainerChecksItsDeclaredSizeBeforeDecoding() throws Exception {
        byte[] bmp = Images.encode(Images.gradient(20, 10), "bmp");
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, 200_000).putInt(22, -200_000);
        assertEquals(ImageError.TOO_LARGE, codeOf(decoder, bmp), "BMP");

        byte[] tiff = Images.encode(Images.gradient(20, 10), "tiff");
        setTiffSize(tiff, 100_000);
        assertEquals(ImageError.TOO_LARGE, codeOf(decoder, tiff), "TIFF");

        Path dir = TestData.reference("bad-inputs");
        byte[] lossless = Files.readAllBytes(dir.resolve("webp_lossless.webp"));
        assertEquals("VP8L", new String(lossless, 12, 4, StandardCharsets.US_ASCII));
        byte[] vp8l = lossless.clone();
        int bits = 0x3FFF | 0x3FFF << 14; // 14-bit width-1 and height-1 after the 0x2F signature byte
        for (int i = 0; i < 3; i++) vp8l[21 + i] = (byte) (bits >>> (8 * i));
        vp8l[24] = (byte) ((vp8l[24] & 0xF0) | (bits >>> 24));
        assertEquals(ImageError.TOO_LARGE, codeOf(decoder, vp8l), "WebP VP8L frame");

        byte[] animated = Files.readAllBytes(dir.resolve("webp_animated.webp"));
        assertEquals("VP8X", new String(animated, 12, 4, StandardCharsets.US_ASCII));
        byte[] canvas = animated.clone();
        Arrays.fill(canvas, 24, 30, (byte) 0xFF); // 24-bit canvas width-1 and height-1
        assertEquals(ImageError.TOO_LARGE, codeOf(decoder, canvas), "WebP canvas");
    }

    @Test
    void cutWebpFilesAreTruncatedEvenWhereTheDecoderWouldFillTheGap() throws Exception {
        Path dir = TestData.reference("bad-inputs");
        for (String name : new String[] {"webp_lossless.webp", "webp_lossy.webp", "webp_animated.webp"}) {
            byte[] data = Files.readAllBytes(dir.resolve(name));
            for (double fraction : new double[] {0.1, 0.5, 0.9, 0.999}) {
                byte[] cut = Arrays.copyOf(data, (int) (data.length * fraction));
                assertEquals(ImageError.TRUNCATED, codeOf(decoder, cut), name + " cut at " + fraction);
            }
        }
    }

    /** Rewrites the ImageWidth and ImageLength entries of the first IFD as LONG values. */
    private static void setTiffSize(byte[] tiff, int size) {
        ByteBuffer b = ByteBuffer.wrap(tiff).order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = b.getInt(4);
        int entries = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + 12 * i;
            int tag = b.getShort(e) & 0xFFFF;
            if (tag == 256 || tag == 257) b.putShort(e + 2, (short) 4).putInt(e + 4, 1).putInt(e + 8, size);
        }
    }

    @Test
    void truncatedFilesAreTruncatedWhereverTheyAreCut() {
        for (String format : new String[] {"png", "jpeg", "gif", "bmp", "tiff"}) {
            byte[] data = Images.encode(Images.gradient(64, 48), format);
            for (double fraction : new double[] {0.02, 0.3, 0.6, 0.9}) {
                byte[] cut = Arrays.copyOf(data, Math.max(4, (int) (data.length * fraction)));
                assertEquals(ImageError.TRUNCATED, codeOf(decoder, cut), format + " cut at " + fraction);
            }
        }
    }

    @Test
    void pngWithoutOnlyItsIendStillDecodes() throws Exception {
        byte[] png = Images.encode(Images.gradient(20, 10), "png");
        RgbImage img = decoder.decode(Arrays.copyOf(png, png.length - 12));
        assertEquals(20, img.width());
    }

    @Test
    void pngCrcMattersOnlyForCriticalChunks() throws Exception {
        byte[] png = Images.encode(Images.gradient(20, 10), "png");
        int afterIhdr = 8 + 12 + 13;
        byte[] text = chunk("tEXt", "Comment\0hello".getBytes(StandardCharsets.ISO_8859_1));
        text[text.length - 1] ^= 0x55; // bad CRC on an ancillary chunk: ignored
        assertEquals(20, decoder.decode(Images.splice(png, afterIhdr, text)).width());

        byte[] badIdat = png.clone();
        int idat = indexOf(badIdat, "IDAT".getBytes(StandardCharsets.US_ASCII));
        badIdat[idat + 6] ^= 0x01; // a flipped bit inside the compressed data
        assertEquals(ImageError.CORRUPT, codeOf(decoder, badIdat));
    }

    @Test
    void aCompressedTextBombIsNeverInflated() throws Exception {
        // 200 MB of zeros in a zTXt chunk (about 200 KB deflated): metadata is ignored, so the pixels decode.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("Comment\0\0".getBytes(StandardCharsets.ISO_8859_1));
        try (DeflaterOutputStream z = new DeflaterOutputStream(body, new Deflater(9))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) z.write(zeros);
        }
        byte[] png = Images.splice(Images.encode(Images.gradient(20, 10), "png"), 8 + 12 + 13, chunk("zTXt", body.toByteArray()));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        RgbImage img = decoder.decode(png);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(20, img.width());
        assertTrue(allocated < 20_000_000L, "decoding allocated " + allocated + " bytes: the text was inflated");
    }

    @Test
    void jpegVariantsTheDecoderLacksAreUnsupportedNotCorrupt() {
        byte[] jpeg = Images.encode(Images.gradient(16, 16), "jpeg");
        int sof = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
        byte[] twelveBit = jpeg.clone();
        twelveBit[sof + 4] = 12;
        assertEquals(ImageError.UNSUPPORTED_FORMAT, codeOf(decoder, twelveBit));
        byte[] hierarchical = jpeg.clone();
        hierarchical[sof + 1] = (byte) 0xC5;
        assertEquals(ImageError.UNSUPPORTED_FORMAT, codeOf(decoder, hierarchical));
        byte[] zeroWidth = jpeg.clone();
        zeroWidth[sof + 7] = 0;
        zeroWidth[sof + 8] = 0;
        assertEquals(ImageError.CORRUPT, codeOf(decoder, zeroWidth));
    }

    @Test
    void exifOrientationInAJpegIsApplied() throws Exception {
        byte[] jpeg = Images.encode(Images.gradient(40, 24), "jpeg");
        RgbImage stored = decoder.decode(jpeg);
        for (int orientation = 1; orientation <= 8; orientation++) {
            byte[] tiff = ExifOrientationTest.tiff(false, 0x0112, 3, orientation);
            byte[] app1 = new byte[4 + 6 + tiff.length];
            app1[0] = (byte) 0xFF;
            app1[1] = (byte) 0xE1;
            app1[2] = (byte) ((app1.length - 2) >> 8);
            app1[3] = (byte) (app1.length - 2);
            System.arraycopy("Exif\0\0".getBytes(StandardCharsets.US_ASCII), 0, app1, 4, 6);
            System.arraycopy(tiff, 0, app1, 10, tiff.length);
            RgbImage upright = decoder.decode(Images.splice(jpeg, 2, app1));
            RgbImage expected = ExifOrientation.apply(stored, orientation);
            assertEquals(expected.width(), upright.width(), "width, orientation " + orientation);
            assertArrayEquals(expected.pixels(), upright.pixels(), "pixels, orientation " + orientation);
        }
    }

    /**
     * The shipped orientation files are the cat stored rotated and re-encoded (HostileFiles), so
     * the upright truth is their own stored pixels turned upright here, independently of
     * ExifOrientation; the re-encoding keeps them close to the upright original, too.
     */
    @Test
    void orientedJpegsMatchTheirStoredPixelsTurnedUpright() throws Exception {
        Path dir = TestData.reference("bad-inputs");
        RgbImage cat = decoder.decode(Files.readAllBytes(dir.resolve("jpeg_baseline_cat.jpg")));
        for (int orientation : new int[] {3, 6, 8}) {
            String name = "jpeg_exif_orient" + orientation + ".jpg";
            byte[] file = Files.readAllBytes(dir.resolve(name));
            RgbImage stored = decoder.decode(withoutApp1(file));
            assertEquals(orientation == 3 ? 448 : 288, stored.width(), name + " stored width");
            RgbImage expected = turnUpright(stored, orientation);
            RgbImage img = decoder.decode(file);
            assertEquals(448, img.width(), name);
            assertEquals(288, img.height(), name);
            assertTrue(meanAbsDiff(expected, img) < 0.5, name + " differs from its stored pixels turned upright by " + meanAbsDiff(expected, img));
            // A wrong turn gives tens of levels; JPEG re-encoding of the stored copy a few.
            assertTrue(meanAbsDiff(cat, img) < 4, name + " differs from the upright cat by " + meanAbsDiff(cat, img));
        }
    }

    private static double meanAbsDiff(RgbImage a, RgbImage b) {
        long diff = 0;
        for (int i = 0; i < a.pixels().length; i++) diff += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
        return (double) diff / a.pixels().length;
    }

    /** The JPEG without its APP1 segments (so without EXIF orientation). */
    private static byte[] withoutApp1(byte[] jpeg) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int pos = 2;
        while ((jpeg[pos + 1] & 0xFF) != 0xDA) {
            int len = 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
            if ((jpeg[pos + 1] & 0xFF) != 0xE1) out.write(jpeg, pos, len);
            pos += len;
        }
        out.write(jpeg, pos, jpeg.length - pos);
        return out.toByteArray();
    }

    /** What a viewer shows for stored pixels with EXIF orientation 3 (180), 6 (90 clockwise) or 8 (90 counter-clockwise). */
    private static RgbImage turnUpright(RgbImage s, int orientation) {
        int w = orientation == 3 ? s.width() : s.height();
        int h = orientation == 3 ? s.height() : s.width();
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx, sy;
                switch (orientation) {
                    case 3 -> { sx = s.width() - 1 - x; sy = s.height() - 1 - y; }
                    case 6 -> { sx = y; sy = s.height() - 1 - x; }
                    case 8 -> { sx = s.width() - 1 - y; sy = x; }
                    default -> throw new IllegalArgumentException("orientation " + orientation);
                }
                System.arraycopy(s.pixels(), (sy * s.width() + sx) * 3, px, (y * w + x) * 3, 3);
            }
        }
        return new RgbImage(w, h, px);
    }

    /** The delivered orientation files are lossless jpegtran transforms of jpeg_baseline_cat.jpg. */
    @Test
    void orientedReferenceJpegsOfTheFullSetMatchTheUprightOriginal() throws Exception {
        Path dir = TestData.fullReference("bad-inputs");
        RgbImage upright = decoder.decode(Files.readAllBytes(dir.resolve("jpeg_baseline_cat.jpg")));
        for (String name : new String[] {"jpeg_exif_orient3.jpg", "jpeg_exif_orient6.jpg", "jpeg_exif_orient8.jpg"}) {
            RgbImage img = decoder.decode(Files.readAllBytes(dir.resolve(name)));
            assertEquals(upright.width(), img.width(), name);
            assertEquals(upright.height(), img.height(), name);
            long diff = 0;
            for (int i = 0; i < img.pixels().length; i++) diff += Math.abs((img.pixels()[i] & 0xFF) - (upright.pixels()[i] & 0xFF));
            double mean = (double) diff / img.pixels().length;
            // Lossless jpegtran transforms: only IDCT rounding differs (a wrong rotation gives tens of levels).
            assertTrue(mean < 1.0, name + " differs from the upright original by " + mean + " per sample");
        }
    }

    @Test
    void concurrentDecodesGiveTheSameResults() throws Exception {
        List<byte[]> inputs = new ArrayList<>();
        for (String format : new String[] {"png", "jpeg", "gif", "bmp"}) inputs.add(Images.encode(Images.gradient(300, 200), format));
        List<byte[]> expected = new ArrayList<>();
        for (byte[] in : inputs) expected.add(decoder.decode(in).pixels());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                byte[] in = inputs.get(i % inputs.size());
                results.add(pool.submit(() -> decoder.decode(in).pixels()));
            }
            for (int i = 0; i < results.size(); i++) assertArrayEquals(expected.get(i % inputs.size()), results.get(i).get(), "decode " + i);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Randomly damaged small files of every decodable format: whatever the damage, decode either
     * succeeds or throws ImageDecodeException; no runtime exception or error escapes.
     */
    @Test
    void damagedInputsNeverEscapeTheErrorContract() {
        GuardedImageDecoder small = new GuardedImageDecoder(DecodeLimits.DEFAULT.withMaxPixels(1_000_000), new int[] {255, 255, 255});
        Random random = new Random(42);
        int errors = 0;
        for (String format : new String[] {"png", "jpeg", "gif", "bmp", "tiff"}) {
            byte[] original = Images.encode(Images.gradient(48, 32), format);
            for (int round = 0; round < 150; round++) {
                byte[] data = original.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) data[random.nextInt(data.length)] = (byte) random.nextInt(256);
                try {
                    RgbImage img = small.decode(data);
                    assertTrue(img.width() > 0 && img.height() > 0);
                } catch (ImageDecodeException e) {
                    errors++;
                    assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "message for " + e.code());
                }
            }
        }
        assertTrue(errors > 0, "the damage was never noticed");
    }

    private static byte[] chunk(String type, byte[] body) {
        byte[] c = new byte[12 + body.length];
        c[0] = (byte) (body.length >>> 24);
        c[1] = (byte) (body.length >>> 16);
        c[2] = (byte) (body.length >>> 8);
        c[3] = (byte) body.length;
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, c, 4, 4);
        System.arraycopy(body, 0, c, 8, body.length);
        CRC32 crc = new CRC32();
        crc.update(c, 4, 4 + body.length);
        int v = (int) crc.getValue();
        for (int i = 0; i < 4; i++) c[8 + body.length + i] = (byte) (v >>> (24 - 8 * i));
        return c;
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) if (data[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
