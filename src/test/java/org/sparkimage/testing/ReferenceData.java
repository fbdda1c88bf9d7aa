package org.sparkimage.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;



/**
 * The shared reference folders ({@code ../shared/reference}). Tests that need them fail loudly
 * when they are missing: a silently skipped reference check is a check that cannot fail.
 */
public final class ReferenceData {
    private ReferenceData() {}

    public static Path shared() {
        String prop = System.getProperty("sparkimage.shared", "../shared");
        Path p = Path.of(prop).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("reference"))) {
            fail("reference data not found at " + p + " (set -Dsparkimage.shared=<dir containing reference/>)");
        }
        return p;
    }

    public static Path nsfwDir() {
        return shared().resolve("reference/nsfw-mobilenetv2");
    }

    public static Path badInputsDir() {
        return shared().resolve("reference/bad-inputs");
    }

    /** One line of {@code expected.jsonl}. */
    public record Expected(Map<String, Object> json) {
        public String file() { return (String) json.get("file"); }
        public String fileName() { return Path.of(file()).getFileName().toString(); }
        public String format() { return (String) json.get("format"); }
        public int top1() { return ((Double) json.get("top1")).intValue(); }
        public double top1Margin() { return (Double) json.get("top1_margin"); }
        public String tensorFile() { return (String) json.get("tensor_file"); }
        public String featuresFile() { return (String) json.get("features_file"); }
        public String tensorSha256() { return (String) json.get("tensor_sha256"); }
        public String decodedRgbSha256() { return (String) json.get("decoded_rgb_sha256"); }
        /** True when some pixel is not fully opaque (the reference then used the hidden RGB). */
        public boolean hasTransparency() {
            Object n = json.get("alpha_below_255_pixels");
            return n != null && ((Double) n) > 0;
        }
        public float[] probs() {
            List<?> l = (List<?>) json.get("probs");
            float[] p = new float[l.size()];
            for (int i = 0; i < p.length; i++) p[i] = (float) (double) (Double) l.get(i);
            return p;
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Expected> nsfwExpected() {
        try {
            List<Expected> out = new ArrayList<>();
            for (String line : Files.readAllLines(nsfwDir().resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) out.add(new Expected((Map<String, Object>) TestJson.parse(line)));
            }
            if (out.isEmpty()) fail("expected.jsonl is empty");
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot read expected.jsonl", e);
        }
    }

    /** A little-endian float32 file. */
    public static float[] readFloats(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            float[] f = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
