package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.ModelCard.ChannelOrder;
import org.sparkimage.model.ModelCard.Interpolation;
import org.sparkimage.model.ModelCard.Layout;
import org.sparkimage.model.ModelCard.Resize;
import org.sparkimage.testing.HostileFiles;

/**
 * The row decode ({@code --decode full}) against the whole decode ({@code --decode whole}): the
 * tensor the model gets is the same float for float, for every kind of JPEG libjpeg-turbo decodes
 * natively (baseline and progressive, 4:4:4 / 4:2:2 / 4:2:0 / 4:4:0 chroma, restart markers, gray,
 * odd sizes), every EXIF orientation, and each kind of two-tap resize.
 */
class JpegRowDecodeTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};
    private static final List<ModelCard> CARDS = List.of(
            TestData.card(Layout.NHWC, 224, 224, ChannelOrder.RGB, Resize.STRETCH, 0, Interpolation.BILINEAR_ALIGN_CORNERS, 255, ZERO, ONE),
            TestData.card(Layout.NCHW, 224, 224, ChannelOrder.BGR, Resize.SHORTER_SIDE_CROP, 256, Interpolation.BILINEAR, 255, ZERO, ONE),
            TestData.card(Layout.NHWC, 160, 96, ChannelOrder.RGB, Resize.STRETCH, 0, Interpolation.BILINEAR, 255, ZERO, ONE));

    private final GuardedImageDecoder decoder = new GuardedImageDecoder();

    @BeforeAll
    static void theRowDecoderIsHereWhereItWasBuilt() {
        assumeTrue(JpegRowDecoder.class.getResource("native/linux-x86_64/libsparkimage-jpegrows.so") != null,
                "the row decoder was not built (no gcc, or not Linux x86_64): --decode full decodes whole images");
        // Built but not loading would silently compare the whole decode with itself.
        assertTrue(JpegRowDecoder.available(), "libsparkimage-jpegrows.so was built but did not load");
    }

    @Test
    void everyKindOfJpegGivesTheModelTheSamePixelsAsAWholeDecode() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>(syntheticJpegs());
        try (Stream<Path> shipped = Files.list(TestData.reference("bad-inputs"))) {
            for (Path p : shipped.filter(JpegRowDecodeTest::isJpeg).toList()) files.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        int compared = 0;
        int sampled = 0;
        List<String> different = new ArrayList<>();
        for (ModelCard card : CARDS) {
            Preprocessor pre = new Preprocessor(card);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                DecodedImage whole;
                try {
                    whole = decoder.decode(f.getValue(), DecodeMode.WHOLE.hint(pre));
                } catch (ImageDecodeException e) {
                    continue; // hostile files: their error codes in each mode are JpegErrorCodeTest's
                }
                DecodedImage rows = decoder.decode(f.getValue(), DecodeMode.FULL.hint(pre));
                assertNull(whole.kept(), f.getKey());
                if (rows.kept() != null) sampled++;
                assertEquals(whole.width(), rows.width(), f.getKey());
                assertEquals(whole.height(), rows.height(), f.getKey());
                if (!java.util.Arrays.equals(tensor(pre, whole), tensor(pre, rows))) different.add(card.input().width() + "x"
                        + card.input().height() + " " + card.preprocess().resize() + ": " + f.getKey());
                compared++;
            }
        }
        assertEquals(List.of(), different);
        assertTrue(compared >= 3 * 40, "compared " + compared);
        // Narrower than MIN_ROW_DECODE_WIDTH (5 sizes x 4 samplings x 2 modes) and CMYK stay whole.
        assertTrue(sampled >= compared - 3 * (2 * 4 * 2 + 3), "decoded by rows: " + sampled + " of " + compared);
    }

    @Test
    void aLargePhotoKeepsOnlyTheRowsAndColumnsTheResizeReads() throws Exception {
        Preprocessor pre = new Preprocessor(CARDS.get(0));
        byte[] photo = Files.readAllBytes(firstJpeg(TestData.reference("nsfw-mobilenetv2").resolve("images")));
        DecodedImage rows = decoder.decode(photo, DecodeMode.FULL.hint(pre));
        assertNotNull(rows.kept());
        assertTrue(rows.width() > 2000 && rows.height() > 2000, rows.width() + "x" + rows.height());
        // At most two rows per output row (fewer where a sample falls exactly on a row).
        assertTrue(rows.pixels().height() <= 448 && rows.pixels().height() > 400, "rows kept: " + rows.pixels().height());
        assertTrue(rows.pixels().width() <= 448 && rows.pixels().width() > 400, "columns kept: " + rows.pixels().width());
        assertArrayEquals(tensor(pre, decoder.decode(photo, DecodeMode.WHOLE.hint(pre))), tensor(pre, rows));
    }

    /**
     * Damaged data through the native row decode: 900 seeded mutations (bytes overwritten, a
     * header byte changed, cuts) of baseline, progressive and restart-marker JPEGs. A crash here
     * would take the JVM down. Each must end as the whole decode ends (the same error code, or the
     * same tensor), with one exception, which the row decode gets right and the whole decode does
     * not: Leptonica reads libjpeg's warning count before {@code jpeg_finish_decompress}, so
     * damage that libjpeg reports only at the end ("extraneous bytes before marker") passes as
     * "ok". The row decode counts warnings after it, and such files get the error code that
     * javax.imageio gives them.
     */
    @Test
    void damagedJpegsEndAsTheyDoInAWholeDecode() throws Exception {
        Preprocessor pre = new Preprocessor(CARDS.get(2));
        List<byte[]> originals = List.of(jpeg(gradientNoise(203, 151, 21), false, 2, 2, 0),
                jpeg(gradientNoise(177, 240, 22), true, 2, 1, 0), jpeg(gradientNoise(160, 120, 23), false, 2, 2, 4));
        Random rnd = new Random(2026);
        List<String> different = new ArrayList<>();
        int decoded = 0;
        int refused = 0;
        int caught = 0;
        for (int i = 0; i < 900; i++) {
            byte[] d = originals.get(i % originals.size()).clone();
            String how = mutate(d, rnd);
            byte[] data = how.startsWith("cut") ? java.util.Arrays.copyOf(d, Integer.parseInt(how.substring(4))) : d;
            String whole = outcome(pre, data, DecodeMode.WHOLE);
            String rows = outcome(pre, data, DecodeMode.FULL);
            if (whole.startsWith("tensor") && !rows.startsWith("tensor") && rows.equals(outcome(pre, data, DecodeMode.IMAGEIO))) {
                caught++;
            } else if (!whole.equals(rows)) {
                different.add(i + " (" + how + "): whole " + whole + ", rows " + rows);
            }
            if (rows.startsWith("tensor")) decoded++;
            else refused++;
        }
        assertEquals(List.of(), different);
        assertTrue(decoded > 100 && refused > 100, decoded + " decoded, " + refused + " refused");
        System.out.printf("damaged JPEGs: %d decoded, %d refused, %d of them passed by the whole decode%n", decoded, refused, caught);
    }

    /** Damages {@code d} in place, or says where to cut it ({@code "cut N"}). */
    private static String mutate(byte[] d, Random rnd) {
        int scanStart = 200; // past the headers of these small files, mostly
        switch (rnd.nextInt(3)) {
            case 0 -> {
                int n = 1 + rnd.nextInt(8);
                for (int k = 0; k < n; k++) d[scanStart + rnd.nextInt(d.length - scanStart)] = (byte) rnd.nextInt(256);
                return "overwrote " + n + " bytes";
            }
            case 1 -> {
                int at = 2 + rnd.nextInt(d.length - 2);
                d[at] = (byte) rnd.nextInt(256);
                return "header byte " + at;
            }
            default -> {
                return "cut " + (scanStart + rnd.nextInt(d.length - scanStart));
            }
        }
    }

    private String outcome(Preprocessor pre, byte[] data, DecodeMode mode) {
        try {
            return "tensor " + java.util.Arrays.hashCode(tensor(pre, mode.decoder(decoder).decode(data, mode.hint(pre))));
        } catch (ImageDecodeException e) {
            return e.code().toString();
        }
    }

    @Test
    void areaResizesDecodeEverything() throws Exception {
        Preprocessor area = new Preprocessor(TestData.card(Layout.NHWC, 64, 64, ChannelOrder.RGB, Resize.STRETCH, 0,
                Interpolation.AREA, 255, ZERO, ONE));
        DecodedImage img = decoder.decode(jpeg(gradientNoise(300, 200, 3), false, 2, 2, 0), DecodeMode.FULL.hint(area));
        assertNull(img.kept());
        assertEquals(300, img.pixels().width());
    }

    private static float[] tensor(Preprocessor pre, DecodedImage img) {
        FloatBuffer buf = FloatBuffer.allocate(pre.card().tensorSize());
        pre.write(img, buf, 0);
        return buf.array();
    }

    private static Map<String, byte[]> syntheticJpegs() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        int[][] sampling = {{1, 1}, {2, 1}, {2, 2}, {1, 2}};
        int[][] sizes = {{1001, 667}, {333, 1250}, {7, 5}, {1, 300}, {640, 1}};
        int seed = 0;
        for (int[] size : sizes) {
            for (int[] s : sampling) {
                for (boolean progressive : new boolean[] {false, true}) {
                    BufferedImage img = gradientNoise(size[0], size[1], seed++);
                    m.put(size[0] + "x" + size[1] + " " + s[0] + "x" + s[1] + (progressive ? " progressive" : ""),
                            jpeg(img, progressive, s[0], s[1], 0));
                }
            }
        }
        m.put("restart markers", jpeg(gradientNoise(900, 700, 99), false, 2, 2, 3));
        BufferedImage gray = new BufferedImage(701, 509, BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(gradientNoise(701, 509, 7), 0, 0, null);
        m.put("gray", jpeg(gray, false, 1, 1, 0));
        m.put("gray progressive", jpeg(gray, true, 1, 1, 0));
        byte[] base = jpeg(gradientNoise(1201, 803, 5), false, 2, 2, 0);
        for (int o = 2; o <= 8; o++) m.put("orientation " + o, HostileFiles.withExifOrientation(base, o));
        byte[] tall = jpeg(gradientNoise(417, 1301, 6), true, 2, 1, 0);
        for (int o = 5; o <= 8; o++) m.put("tall progressive, orientation " + o, HostileFiles.withExifOrientation(tall, o));
        return m;
    }

    /** Smooth gradients with noise, so that every row and column differs from its neighbours. */
    private static BufferedImage gradientNoise(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1) + rnd.nextInt(40)) & 0xFF;
                int g = (y * 255 / Math.max(1, h - 1) + rnd.nextInt(40)) & 0xFF;
                int b = ((x + y) * 7 + rnd.nextInt(60)) & 0xFF;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** javax.imageio's JPEG writer with the luma sampling factors, restart interval (MCUs, 0 = none) and mode asked for. */
    static byte[] jpeg(BufferedImage img, boolean progressive, int hSampling, int vSampling, int restartInterval) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        if (progressive) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        IIOMetadata meta = writer.getDefaultImageMetadata(new javax.imageio.ImageTypeSpecifier(img), param);
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode luma = (IIOMetadataNode) markers.getElementsByTagName("componentSpec").item(0);
        luma.setAttribute("HsamplingFactor", Integer.toString(hSampling));
        luma.setAttribute("VsamplingFactor", Integer.toString(vSampling));
        if (restartInterval > 0) {
            IIOMetadataNode dri = new IIOMetadataNode("dri");
            dri.setAttribute("interval", Integer.toString(restartInterval));
            markers.insertBefore(dri, markers.getElementsByTagName("sos").item(0));
        }
        meta.setFromTree(format, root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, meta), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static boolean isJpeg(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static Path firstJpeg(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(JpegRowDecodeTest::isJpeg).sorted().findFirst().orElseThrow();
        }
    }
}
