package org.sparkimage.image;

import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link PngStructure#verify}: for any bytes that {@link FormatSniffer} identifies as PNG (the only data
 * {@link GuardedImageDecoder} gives it), returns normally or throws an {@link ImageDecodeException}
 * with a code; nothing else, within the time and allocation bounds. Seeds:
 * {@code PngStructureFuzzTestInputs/verify/}; see docs/fuzzing.md.
 */
class PngStructureFuzzTest {
    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void verify(byte[] data) throws Exception {
        StructureFuzzing.verifySniffed(data, ImageFormat.PNG, "PngStructure.verify",
                d -> PngStructure.verify(d, StructureFuzzing.LIMIT));
    }
}
