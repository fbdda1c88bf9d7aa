package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.sparkimage.testing.BadInputsManifest;
import org.sparkimage.testing.ReferenceData;

/**
 * The hostile-input corpus (bad-inputs: shipped, and the full set when configured) through the decoder: every file gets its
 * manifest outcome (pinned where alternatives are allowed); ok rows have the upright size and
 * roughly the right colours. {@code HostileInputsJobTest} runs the same corpus through the job.
 */
class BadInputsTest {
    /** README: a ±6 per-channel tolerance on the mean catches inverted CMYK, gamma shifts and dropped alpha. */
    private static final double MEAN_TOLERANCE = 6;

    private final GuardedImageDecoder decoder = new GuardedImageDecoder();

    @TestFactory
    Stream<DynamicTest> everyFileGivesItsOutcome() {
        return tests(TestData.reference("bad-inputs"));
    }

    /** The corpus as delivered (the shipped one generates part of its files); skipped without it. */
    @TestFactory
    Stream<DynamicTest> everyFileOfTheFullSetGivesItsOutcome() {
        if (!ReferenceData.fullSetConfigured()) {
            // One test that is reported as skipped (an aborted factory would not be reported at all).
            return Stream.of(DynamicTest.dynamicTest("full set", () -> TestData.fullReference("bad-inputs")));
        }
        return tests(TestData.fullReference("bad-inputs"));
    }

    private Stream<DynamicTest> tests(Path dir) {
        return BadInputsManifest.load(dir).stream()
                .map(entry -> DynamicTest.dynamicTest(entry.file() + " -> " + entry.outcome(), () -> check(dir, entry)));
    }

    private void check(Path dir, BadInputsManifest.Entry entry) throws IOException {
        byte[] data = Files.readAllBytes(dir.resolve(entry.file()));
        assertEquals(entry.bytes(), data.length, "file size");
        RgbImage img;
        try {
            img = decoder.decode(data);
        } catch (ImageDecodeException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "error message is empty");
            assertEquals(entry.outcome(), "error:" + e.code(), e.getMessage());
            return;
        }
        assertEquals(entry.outcome(), "ok", "decoded " + img.width() + "x" + img.height());
        assertEquals(entry.width(), img.width(), "width");
        assertEquals(entry.height(), img.height(), "height");
        if (entry.meanRgb() != null) {
            double[] mean = meanRgb(img);
            for (int c = 0; c < 3; c++) {
                assertEquals(entry.meanRgb()[c], mean[c], MEAN_TOLERANCE,
                        "mean RGB " + Arrays.toString(mean) + " vs reference " + Arrays.toString(entry.meanRgb()) + ", channel " + c);
            }
        }
    }

    static double[] meanRgb(RgbImage img) {
        long[] sum = new long[3];
        byte[] px = img.pixels();
        for (int i = 0; i < px.length; i++) sum[i % 3] += px[i] & 0xFF;
        double n = (double) img.width() * img.height();
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }
}
