package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link TiffStructure#verify}: for any bytes that {@link FormatSniffer} identifies as TIFF (the only data
 * {@link GuardedImageDecoder} gives it), returns normally or throws an {@link ImageDecodeException}
 * with a code; nothing else, within the time and allocation bounds. Seeds:
 * {@code TiffStructureFuzzTestInputs/verify/}; see docs/fuzzing.md.
 */
class TiffStructureFuzzTest {
    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void verify(byte[] data) throws Exception {
        if (FormatSniffer.sniff(data).orElse(null) != ImageFormat.TIFF) return; // outside the precondition
        FuzzBounds.run(data.length, 1 << 20, 16, "TiffStructure.verify", () -> {
            try {
                TiffStructure.verify(data);
                assertTrue(firstDirectoryFits(data), "accepted, but the first IFD does not fit in the data");
            } catch (ImageDecodeException e) {
                assertNotNull(e.code());
            }
        });
    }

    /** The documented check, in exact arithmetic: offset, count and entries of the first IFD lie inside the data. */
    private static boolean firstDirectoryFits(byte[] d) {
        boolean little = d[0] == 'I';
        boolean big = (d[little ? 2 : 3] & 0xFF) == 43;
        int width = big ? 8 : 4;
        int countWidth = big ? 8 : 2;
        BigInteger offset = unsigned(d, big ? 8 : 4, width, little);
        BigInteger length = BigInteger.valueOf(d.length);
        if (offset.add(BigInteger.valueOf(countWidth)).compareTo(length) > 0) return false;
        BigInteger entries = unsigned(d, offset.intValueExact(), countWidth, little);
        BigInteger end = offset.add(BigInteger.valueOf(countWidth + width)).add(entries.multiply(BigInteger.valueOf(big ? 20 : 12)));
        return end.compareTo(length) <= 0;
    }

    private static BigInteger unsigned(byte[] d, int at, int n, boolean little) {
        byte[] be = new byte[n + 1]; // leading 0: never negative
        for (int i = 0; i < n; i++) be[1 + i] = d[at + (little ? n - 1 - i : i)];
        return new BigInteger(be);
    }
}
