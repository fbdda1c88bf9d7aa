package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link BmpStructure#verify}: for any bytes that {@link FormatSniffer} identifies as BMP (the only data
 * {@link GuardedImageDecoder} gives it), returns normally or throws an {@link ImageDecodeException}
 * with a code; nothing else, within the time and allocation bounds. Seeds:
 * {@code BmpStructureFuzzTestInputs/verify/}; see docs/fuzzing.md.
 */
class BmpStructureFuzzTest {
    private static final PixelLimit LIMIT = new PixelLimit(50_000_000L);

    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void verify(byte[] data) throws Exception {
        if (FormatSniffer.sniff(data).orElse(null) != ImageFormat.BMP) return; // outside the precondition
        FuzzBounds.run(data.length, 1 << 20, 16, "BmpStructure.verify", () -> {
            try {
                BmpStructure.verify(data, LIMIT);
            } catch (ImageDecodeException e) {
                assertNotNull(e.code());
            }
        });
    }
}
