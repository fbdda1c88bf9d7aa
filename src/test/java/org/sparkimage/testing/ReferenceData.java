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

import org.junit.jupiter.api.Assumptions;

/**
 * The reference data of the tests, in two sizes.
 * <ul>
 * <li><b>Shipped</b> (the default): {@code src/test/data}, the redistributable subset that every
 * clone carries (see its SOURCES.md files), made ready by {@link ShippedData}: the photographs
 * shared with {@code samples/} are added and the generated hostile files are written.</li>
 * <li><b>Full</b>: {@code <dir>/reference} where {@code <dir>} is system property
 * {@code sparkimage.shared} or else environment variable {@code SPARKIMAGE_SHARED} (73 photographs,
 * 20 tensors, the 45 hostile files as delivered). Tests whose point is the full set call
 * {@link #fullNsfwDir()} / {@link #fullBadInputsDir()}: without the setting they are reported as
 * skipped (an assumption fails), never as passed; with the setting but without the folder they
 * fail.</li>
 * </ul>
 */
public final class ReferenceData {
    private ReferenceData() {}

    /** The configured shared folder (the one that holds {@code reference/}), or null when none is set. */
    public static Path sharedSetting() {
        String prop = System.getProperty("sparkimage.shared", "");
        if (prop.isBlank()) prop = System.getenv().getOrDefault("SPARKIMAGE_SHARED", "");
        return prop.isBlank() ? null : Path.of(prop.trim()).toAbsolutePath().normalize();
    }

    /**
     * {@code <shared>/reference} of the full set. Skips the calling test (JUnit assumption) when no
     * shared folder is configured; fails it when one is configured but has no {@code reference/}.
     */
    public static Path fullReference() {
        Path shared = sharedSetting();
        Assumptions.assumeTrue(shared != null,
                "full reference set not configured (-Dsparkimage.shared=<dir containing reference/> or SPARKIMAGE_SHARED): not run");
        Path reference = shared.resolve("reference");
        if (!Files.isDirectory(reference)) {
            fail("sparkimage.shared / SPARKIMAGE_SHARED is set to " + shared + " but " + reference + " does not exist");
        }
        return reference;
    }

    /** True when a full set is configured (and then it must exist: see {@link #fullReference()}). */
    public static boolean fullSetConfigured() {
        return sharedSetting() != null;
    }

    /** The shipped photographs with their reference outputs (images/, tensors/, features/, expected.jsonl). */
    public static Path nsfwDir() {
        return ShippedData.nsfwDir();
    }

    /** The shipped and generated hostile inputs with their manifest.tsv. */
    public static Path badInputsDir() {
        return ShippedData.badInputsDir();
    }

    /** The full set's photographs (73); skips without the shared folder. */
    public static Path fullNsfwDir() {
        return fullReference().resolve("nsfw-mobilenetv2");
    }

    /** The full set's hostile files (45, as delivered); skips without the shared folder. */
    public static Path fullBadInputsDir() {
        return fullReference().resolve("bad-inputs");
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

    /** expected.jsonl of the shipped photographs. */
    public static List<Expected> nsfwExpected() {
        return nsfwExpected(nsfwDir());
    }

    /** expected.jsonl of an nsfw-mobilenetv2 folder (shipped or full). */
    @SuppressWarnings("unchecked")
    public static List<Expected> nsfwExpected(Path nsfwDir) {
        try {
            List<Expected> out = new ArrayList<>();
            for (String line : Files.readAllLines(nsfwDir.resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) out.add(new Expected((Map<String, Object>) TestJson.parse(line)));
            }
            if (out.isEmpty()) fail("expected.jsonl is empty");
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot read expected.jsonl in " + nsfwDir, e);
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
