package org.sparkimage.image;

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
    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void verify(byte[] data) throws Exception {
        StructureFuzzing.verifySniffed(data, ImageFormat.WEBP, "WebpStructure.verify",
                d -> WebpStructure.verify(d, StructureFuzzing.LIMIT));
    }
}
