package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.sparkimage.testing.FuzzBounds;

/**
 * The body the structure checkers' fuzz tests share (one test class per checker: Jazzer fuzzes one
 * test per JVM, and each keeps its own seed corpus): only bytes that {@link FormatSniffer} calls
 * {@code format} reach the checker (its precondition, as in {@link GuardedImageDecoder}), and the
 * checker returns or throws an {@link ImageDecodeException} with a code, within the time and
 * allocation bounds of {@link FuzzBounds}.
 */
final class StructureFuzzing {
    /** The pixel limit the checkers are called with (half the decoder's default). */
    static final PixelLimit LIMIT = new PixelLimit(50_000_000L);

    /** A structure checker. */
    interface Checker {
        void verify(byte[] data) throws ImageDecodeException;
    }

    private StructureFuzzing() {}

    static void verifySniffed(byte[] data, ImageFormat format, String what, Checker checker) throws Exception {
        if (FormatSniffer.sniff(data).orElse(null) != format) return; // outside the precondition
        FuzzBounds.run(data.length, 1 << 20, 16, what, () -> {
            try {
                checker.verify(data);
            } catch (ImageDecodeException e) {
                assertNotNull(e.code());
            }
        });
    }
}
