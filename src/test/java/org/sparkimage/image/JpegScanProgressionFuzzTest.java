package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link JpegScanProgression#accept}: any sequence of scan headers (with the field ranges the SOS
 * header can carry) is accepted or rejected with a CORRUPT {@link ImageDecodeException}; nothing
 * else. And the CPU-bomb guard it exists for: a progression it accepts never has more scans than
 * there are (component, coefficient, bit) steps to code, so scans cannot repeat without bound.
 *
 * <p>Input format (seeds in {@code JpegScanProgressionFuzzTestInputs/accept/}): byte 0 = bit 7
 * progressive, bits 0-2 number of frame components - 1; then the frame component ids; then per
 * scan a byte whose bits 0-1 are its component count - 1, its component ids, Ss, Se and the Ah/Al
 * byte as in an SOS header.
 */
class JpegScanProgressionFuzzTest {
    /** First scan at Al <= 13, then one refinement per bit down to Al = 0. */
    private static final int MAX_SCANS_PER_COEFFICIENT = 14 + 1;

    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void accept(byte[] data) throws Exception {
        if (data.length < 1) return;
        boolean progressive = (data[0] & 0x80) != 0;
        int components = (data[0] & 0x07) + 1;
        if (data.length < 1 + components) return;
        int[] frameIds = new int[components];
        for (int i = 0; i < components; i++) frameIds[i] = data[1 + i] & 0xFF;
        FuzzBounds.run(data.length, 1 << 20, 16, "JpegScanProgression", () -> check(data, progressive, frameIds));
    }

    private static void check(byte[] data, boolean progressive, int[] frameIds) {
        int components = frameIds.length;
        JpegScanProgression progression = new JpegScanProgression(frameIds, progressive);
        int pos = 1 + components;
        int accepted = 0;
        boolean rejected = false;
        while (pos < data.length) {
            int n = (data[pos] & 0x03) + 1;
            if (pos + 1 + n + 3 > data.length) break;
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = data[pos + 1 + i] & 0xFF;
            int p = pos + 1 + n;
            int ss = data[p] & 0xFF;
            int se = data[p + 1] & 0xFF;
            int ah = (data[p + 2] & 0xF0) >> 4;
            int al = data[p + 2] & 0x0F;
            pos = p + 3;
            try {
                progression.accept(ids, ss, se, ah, al);
                accepted++;
            } catch (ImageDecodeException e) {
                assertEquals(ImageError.CORRUPT, e.code(), e.getMessage());
                rejected = true;
                break; // the header reader stops at the first invalid scan
            }
        }
        long bound = progressive ? (long) components * 64 * MAX_SCANS_PER_COEFFICIENT : components;
        assertTrue(accepted <= bound, accepted + " scans accepted for " + components + " components "
                + (progressive ? "(progressive): " : "(sequential): ") + Arrays.toString(frameIds));
        assertEquals(accepted + (rejected ? 1 : 0), progression.scans(), "scan count");
    }
}
