package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.sparkimage.model.ModelCard;

/**
 * The rule for JPEG error codes, through the public decoder in every {@link DecodeMode}: TRUNCATED
 * only when the data ends early, CORRUPT when the data is there but inconsistent. All inputs are
 * made here from one valid JPEG: cut at every structural point, or with a segment damaged.
 */
class JpegErrorCodeTest {
    private static final byte[] JPEG = jpeg();
    /** A 20x15 model: SCALED may decode at 40x30 (1/8), FULL decodes the rows and columns its resize reads. */
    private static final Preprocessor SMALL_MODEL = new Preprocessor(TestData.card(ModelCard.Layout.NHWC, 20, 15,
            ModelCard.ChannelOrder.RGB, ModelCard.Resize.STRETCH, 0, ModelCard.Interpolation.BILINEAR_ALIGN_CORNERS, 255,
            new float[] {0, 0, 0}, new float[] {1, 1, 1}));

    private static byte[] jpeg() {
        BufferedImage img = Images.gradient(320, 240);
        Random rnd = new Random(11);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (rnd.nextInt(4) == 0) img.setRGB(x, y, rnd.nextInt(0x1000000));
            }
        }
        return Images.encode(img, "jpeg");
    }

    /** Offset of the first segment with {@code marker} (its 0xFF), walking the segments before the scan. */
    private static int segment(byte[] d, int marker) {
        int pos = 2;
        while (pos + 4 <= d.length) {
            int m = d[pos + 1] & 0xFF;
            if (m == marker) return pos;
            if (m == 0xDA) break;
            pos += 2 + ((d[pos + 2] & 0xFF) << 8 | (d[pos + 3] & 0xFF));
        }
        throw new AssertionError(String.format("no marker %02X", marker));
    }

    private static int segmentEnd(byte[] d, int at) {
        return at + 2 + ((d[at + 2] & 0xFF) << 8 | (d[at + 3] & 0xFF));
    }

    /** {@code d} without every segment with {@code marker} before the scan. */
    private static byte[] without(byte[] d, int marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(d, 0, 2);
        int pos = 2;
        while (true) {
            int m = d[pos + 1] & 0xFF;
            if (m == 0xDA) break;
            int end = segmentEnd(d, pos);
            if (m != marker) out.write(d, pos, end - pos);
            pos = end;
        }
        out.write(d, pos, d.length - pos);
        return out.toByteArray();
    }

    private static byte[] cut(byte[] d, int length) {
        return Arrays.copyOf(d, length);
    }

    private static Map<String, byte[]> truncatedCases() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        byte[] d = JPEG;
        c.put("signature only (FF D8 FF)", cut(d, 3));
        c.put("signature and first marker (FF D8 FF E0)", cut(d, 4));
        c.put("inside the first marker's length", cut(d, 5));
        c.put("inside the first segment", cut(d, 9));
        c.put("signature then fill bytes", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        int dqt = segment(d, 0xDB);
        c.put("after the first segment", cut(d, dqt));
        c.put("inside DQT", cut(d, dqt + 20));
        int sof = segment(d, 0xC0);
        c.put("inside SOF", cut(d, sof + 8));
        int dht = segment(d, 0xC4);
        c.put("inside DHT", cut(d, dht + 10));
        int sos = segment(d, 0xDA);
        c.put("inside the scan header", cut(d, sos + 6));
        int scan = segmentEnd(d, sos);
        c.put("right after the scan header", cut(d, scan));
        c.put("a few bytes into the scan", cut(d, scan + 16));
        c.put("middle of the scan", cut(d, (scan + d.length) / 2));
        c.put("near the end of the scan", cut(d, d.length - 200));
        return c;
    }

    private static Map<String, byte[]> corruptCases() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        byte[] d = JPEG;
        int dht = segment(d, 0xC4);
        // Counts of codes per length (16 bytes after Tc/Th) that promise more codes than the segment holds.
        byte[] tooMany = d.clone();
        tooMany[dht + 5 + 15] = (byte) 200;
        c.put("DHT counts larger than the segment", tooMany);
        // Same total count and segment length, but more codes of length 1 than a binary code has.
        byte[] overfull = d.clone();
        int k = dht + 5;
        int from = -1;
        for (int i = 1; i < 16 && from < 0; i++) if ((overfull[k + i] & 0xFF) >= 3) from = i;
        overfull[k + from] -= 3;
        overfull[k] += 3;
        c.put("DHT code lengths overflow the code space", overfull);
        // A table class / index byte that names no table: Th = 7.
        byte[] badIndex = d.clone();
        badIndex[dht + 4] = (byte) 0x07;
        c.put("DHT with table index 7", badIndex);
        c.put("no DQT at all", without(d, 0xDB));
        int sos = segment(d, 0xDA);
        byte[] undefinedHuff = d.clone();
        undefinedHuff[sos + 6] = (byte) 0x33; // first component uses DC/AC tables 3, never defined
        c.put("scan uses an undefined Huffman table", undefinedHuff);
        int sof = segment(d, 0xC0);
        byte[] undefinedQuant = d.clone();
        undefinedQuant[sof + 12] = (byte) 3; // first component uses quantization table 3, never defined
        c.put("frame uses an undefined quantization table", undefinedQuant);
        int scan = segmentEnd(d, sos);
        byte[] garbage = new byte[600];
        new Random(5).nextBytes(garbage);
        c.put("garbage inserted into the scan", Images.splice(d, (scan + d.length) / 2, garbage));
        byte[] noScan = Arrays.copyOf(d, sos + 2);
        noScan[sos + 1] = (byte) 0xD9;
        c.put("EOI where the scan should start", noScan);
        c.put("garbage between segments", Images.splice(d, segment(d, 0xC0), new byte[] {1, 2, 3, 4}));
        return c;
    }

    private static List<String> mismatches(Map<String, byte[]> cases, ImageError expected) {
        GuardedImageDecoder base = new GuardedImageDecoder();
        List<String> wrong = new ArrayList<>();
        for (DecodeMode mode : DecodeMode.values()) {
            ImageDecoder decoder = mode.decoder(base);
            ScaleHint hint = mode.hint(SMALL_MODEL);
            for (Map.Entry<String, byte[]> e : cases.entrySet()) {
                String got;
                try {
                    decoder.decode(e.getValue(), hint);
                    got = "decoded";
                } catch (ImageDecodeException ex) {
                    got = ex.code() + " (" + ex.getMessage() + ")";
                    if (ex.code() == expected) continue;
                }
                wrong.add(mode + " / " + e.getKey() + ": " + got);
            }
        }
        return wrong;
    }

    @Test
    void theOriginalDecodesInEveryMode() throws Exception {
        GuardedImageDecoder base = new GuardedImageDecoder();
        assertTrue(base.usesNativeJpeg(), "libjpeg-turbo must be loaded for SCALED and FULL to be tested");
        for (DecodeMode mode : DecodeMode.values()) {
            assertEquals(320, mode.decoder(base).decode(JPEG, mode.hint(SMALL_MODEL)).width(), mode.name());
        }
    }

    @Test
    void dataThatEndsEarlyIsTruncated() {
        List<String> wrong = mismatches(truncatedCases(), ImageError.TRUNCATED);
        assertTrue(wrong.isEmpty(), "expected TRUNCATED:\n" + String.join("\n", wrong));
    }

    @Test
    void inconsistentDataIsCorrupt() {
        List<String> wrong = mismatches(corruptCases(), ImageError.CORRUPT);
        assertTrue(wrong.isEmpty(), "expected CORRUPT:\n" + String.join("\n", wrong));
    }
}
