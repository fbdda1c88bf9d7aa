package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link WebpStructure#verify}: for any bytes that {@link FormatSniffer} identifies as WEBP (the only data
 * {@link GuardedImageDecoder} gives it), returns normally or throws an {@link ImageDecodeException}
 * with a code; nothing else, within the time and allocation bounds. Seeds:
 * {@code WebpStructureFuzzTestInputs/verify/}; see docs/fuzzing.md.
 */
class WebpStructureFuzzTest {
    private static final PixelLimit LIMIT = new PixelLimit(50_000_000L);

    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void verify(byte[] data) throws Exception {
        if (FormatSniffer.sniff(data).orElse(null) != ImageFormat.WEBP) return; // outside the precondition
        FuzzBounds.run(data.length, 1 << 20, 16, "WebpStructure.verify", () -> {
            try {
                WebpStructure.verify(data, LIMIT);
            } catch (ImageDecodeException e) {
                assertNotNull(e.code());
            }
        });
    }
}
