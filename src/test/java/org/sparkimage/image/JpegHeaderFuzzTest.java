package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link JpegHeader#read}: any bytes give a header within the pixel limit or an
 * {@link ImageDecodeException} with a code; nothing else, within the time and allocation bounds.
 * Seeds: {@code JpegHeaderFuzzTestInputs/read/}; see docs/fuzzing.md.
 */
class JpegHeaderFuzzTest {
    private static final long MAX_PIXELS = 50_000_000L;
    private static final PixelLimit LIMIT = new PixelLimit(MAX_PIXELS);

    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void read(byte[] data) throws Exception {
        FuzzBounds.run(data.length, 1 << 20, 16, "JpegHeader.read", () -> {
            try {
                JpegHeader h = JpegHeader.read(data, LIMIT);
                assertTrue(h.width() > 0 && h.height() > 0 && (long) h.width() * h.height() <= MAX_PIXELS, "size " + h.width() + "x" + h.height());
                assertTrue(h.components() >= 1 && h.components() <= 255, "components " + h.components());
                assertTrue(h.orientation() >= 1 && h.orientation() <= 8, "orientation " + h.orientation());
                assertTrue(h.scans() >= 1, "header returned before any scan");
                assertTrue(h.iccProfile() == null || h.iccProfile().length < data.length, "ICC profile longer than the file");
            } catch (ImageDecodeException e) {
                assertNotNull(e.code());
            }
        });
    }
}
