package org.sparkimage.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bad-inputs/manifest.tsv}: one entry per hostile or unusual file with the outcome it must
 * get. Shared by the decoder-level and job-level tests. {@link #load()} reads the shipped corpus
 * (shipped plus generated files, {@link ReferenceData#badInputsDir()}); {@link #load(Path)} any
 * folder of the same layout, such as the full set's ({@link ReferenceData#fullBadInputsDir()}).
 * Both hold the same 45 file names.
 */
public final class BadInputsManifest {
    /**
     * Where the manifest allows alternatives, the one this project's decoders give (the corpus
     * README asks for a pin): TwelveMonkeys decodes arithmetic-coded JPEG and WebP; 12-bit JPEG and
     * AVIF have no decoder; the scan flood is refused by the progression check before the time
     * budget is ever needed.
     */
    static final Map<String, String> PINNED = Map.of(
            "jpeg_arithmetic.jpg", "ok",
            "jpeg_12bit.jpg", "error:UNSUPPORTED_FORMAT",
            "webp_lossy.webp", "ok",
            "webp_lossless.webp", "ok",
            "webp_animated.webp", "ok",
            "avif_image.avif", "error:UNSUPPORTED_FORMAT",
            "bomb_jpeg_scan_flood.jpg", "error:CORRUPT");

    private static final List<String> HEADER =
            List.of("file", "category", "expected", "notes", "width", "height", "ref_mean_rgb", "bytes", "sha256");

    /**
     * @param outcome  {@code ok} or {@code error:CODE}: the manifest's, or the pinned one of its alternatives
     * @param width    upright width for ok outcomes, else -1
     * @param meanRgb  reference mean R, G, B, or null where not asserted
     */
    public record Entry(String file, String outcome, int width, int height, double[] meanRgb, long bytes) {
        public boolean ok() {
            return outcome.equals("ok");
        }
    }

    private BadInputsManifest() {
    }

    /** The shipped corpus's manifest. */
    public static List<Entry> load() {
        return load(ReferenceData.badInputsDir());
    }

    /** The manifest in {@code dir}. */
    public static List<Entry> load(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("manifest.tsv"), StandardCharsets.UTF_8);
            assertEquals(HEADER, Arrays.asList(lines.get(0).split("\t")), "manifest header");
            List<Entry> entries = lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> entry(l.split("\t", -1))).toList();
            assertEquals(45, entries.size(), "manifest rows");
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Entry entry(String[] row) {
        List<String> listed = List.of(row[2].split("\\|"));
        String outcome = listed.get(0);
        if (listed.size() > 1) {
            outcome = PINNED.get(row[0]);
            assertTrue(outcome != null && listed.contains(outcome), row[0] + " allows " + listed + ": pin one of them in PINNED");
        }
        boolean sized = !row[4].equals("-");
        double[] mean = row[6].equals("-") ? null : Arrays.stream(row[6].split(",")).mapToDouble(Double::parseDouble).toArray();
        return new Entry(row[0], outcome, sized ? Integer.parseInt(row[4]) : -1, sized ? Integer.parseInt(row[5]) : -1,
                mean, Long.parseLong(row[7]));
    }
}
