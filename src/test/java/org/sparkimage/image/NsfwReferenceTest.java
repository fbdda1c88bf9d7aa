package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.sparkimage.model.ModelCard;
import org.sparkimage.testing.TestJson;

/**
 * Decoder and preprocessing against the nsfwjs reference outputs (reference/nsfw-mobilenetv2):
 * lossless PNGs must decode and preprocess bit for bit; JPEG decoders may differ slightly (IDCT,
 * chroma upsampling), so JPEG tensors are compared with a tolerance.
 */
class NsfwReferenceTest {
    /**
     * Mean absolute tensor difference allowed for JPEGs (tensor values are in [0, 1]). Measured,
     * libjpeg 6b via TwelveMonkeys against jpeg-js 0.4.4: 0.0018-0.0022 on the 7 shipped tensors
     * without a non-sRGB profile. 0.01 (2.5 of 255 levels on average) leaves margin and still
     * catches channel swaps or resampling bugs.
     */
    private static final double JPEG_BOUND = 0.01;
    /**
     * For JPEGs with an embedded ICC profile: TwelveMonkeys converts to sRGB, the reference ignores
     * profiles. Measured 0.0214 on skimage__rocket.jpg (Adobe RGB 1998), 0.0019 on an sRGB-profiled one.
     */
    private static final double JPEG_ICC_BOUND = 0.03;

    private final GuardedImageDecoder decoder = new GuardedImageDecoder();

    @TestFactory
    Stream<DynamicTest> opaquePngsDecodeAndPreprocessBitExact() throws IOException {
        Path dir = TestData.reference("nsfw-mobilenetv2");
        List<Map<String, Object>> rows = opaquePngs(dir);
        assertEquals(15, rows.size(), "opaque PNG rows in the shipped expected.jsonl");
        return pngTests(dir, rows);
    }

    @TestFactory
    Stream<DynamicTest> opaquePngsOfTheFullSetDecodeAndPreprocessBitExact() throws IOException {
        if (!org.sparkimage.testing.ReferenceData.fullSetConfigured()) {
            return Stream.of(DynamicTest.dynamicTest("full set", () -> TestData.fullReference("nsfw-mobilenetv2")));
        }
        Path dir = TestData.fullReference("nsfw-mobilenetv2");
        List<Map<String, Object>> rows = opaquePngs(dir);
        assertEquals(30, rows.size(), "opaque PNG rows in expected.jsonl");
        return pngTests(dir, rows);
    }

    private static List<Map<String, Object>> opaquePngs(Path dir) throws IOException {
        return rows(dir, "PNG").stream().filter(r -> ((Double) r.get("alpha_below_255_pixels")) == 0).toList();
    }

    private Stream<DynamicTest> pngTests(Path dir, List<Map<String, Object>> rows) throws IOException {
        ModelCard card = TestData.nsfwCard();
        return rows.stream().map(r -> DynamicTest.dynamicTest((String) r.get("file"), () -> {
            RgbImage img = decoder.decode(Files.readAllBytes(dir.resolve((String) r.get("file"))));
            assertEquals(((Double) r.get("width")).intValue(), img.width(), "width");
            assertEquals(((Double) r.get("height")).intValue(), img.height(), "height");
            assertEquals(r.get("decoded_rgb_sha256"), TestData.sha256(img.pixels()), "decoded RGB");
            ByteBuffer bytes = TestData.tensorBytes(card);
            new Preprocessor(card).write(img, bytes.asFloatBuffer(), 0);
            assertEquals(r.get("tensor_sha256"), TestData.sha256(bytes.array()), "tensor");
        }));
    }

    @Test
    void jpegTensorsAreCloseToTheReference() throws Exception {
        jpegTensorsAreClose(TestData.reference("nsfw-mobilenetv2"), 2); // skimage__retina.jpg, skimage__rocket.jpg (ICC)
    }

    @Test
    void jpegTensorsOfTheFullSetAreCloseToTheReference() throws Exception {
        jpegTensorsAreClose(TestData.fullReference("nsfw-mobilenetv2"), 8);
    }

    private void jpegTensorsAreClose(Path dir, int expectedCount) throws Exception {
        ModelCard card = TestData.nsfwCard();
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (Map<String, Object> r : rows(dir, "JPEG")) {
            if (r.get("tensor_file") == null) continue;
            RgbImage img = decoder.decode(Files.readAllBytes(dir.resolve((String) r.get("file"))));
            FloatBuffer ours = TestData.tensor(card, img);
            FloatBuffer ref = ByteBuffer.wrap(Files.readAllBytes(dir.resolve((String) r.get("tensor_file"))))
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            assertEquals(card.tensorSize(), ref.remaining(), "reference tensor size");
            double sum = 0;
            double max = 0;
            for (int i = 0; i < card.tensorSize(); i++) {
                double d = Math.abs(ours.get(i) - ref.get(i));
                sum += d;
                max = Math.max(max, d);
            }
            double mean = sum / card.tensorSize();
            double bound = String.valueOf(r.get("decode_notes")).contains("ICC profile") ? JPEG_ICC_BOUND : JPEG_BOUND;
            compared++;
            String line = String.format("%s mean %.5f max %.4f (bound %.2f)", r.get("file"), mean, max, bound);
            report.add(line);
            if (!(mean < bound)) failures.add(line);
        }
        System.out.println("JPEG tensor |ours - reference|:\n  " + String.join("\n  ", report));
        assertEquals(expectedCount, compared, "JPEG rows with a shipped tensor");
        assertTrue(failures.isEmpty(), "JPEG tensors too far from the reference:\n" + String.join("\n", failures));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Path dir, String format) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<String, Object> row = (Map<String, Object>) TestJson.parse(line);
            if (format.equals(row.get("format"))) rows.add(row);
        }
        return rows;
    }
}
