package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link FormatSniffer#sniff}: total on any bytes (a format or empty, never an exception), the same
 * answer twice, and one that depends only on the leading bytes it documents looking at. Seeds:
 * {@code FormatSnifferFuzzTestInputs/sniff/}; see docs/fuzzing.md.
 */
class FormatSnifferFuzzTest {
    /**
     * The ftyp brand scan runs over the whole box, so work grows with the input; each brand costs
     * several hooked string comparisons when fuzzing (1 MB was seen for a 300-byte input).
     */
    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void sniff(byte[] data) throws Exception {
        FuzzBounds.run(data.length, 1 << 20, 4096, "FormatSniffer.sniff", () -> {
            Optional<ImageFormat> format = FormatSniffer.sniff(data);
            assertNotNull(format);
            assertEquals(format, FormatSniffer.sniff(data.clone()), "not deterministic");
        });
    }
}
