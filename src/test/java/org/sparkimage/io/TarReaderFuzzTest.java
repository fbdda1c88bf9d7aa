package org.sparkimage.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link TarReader}: reading any bytes to the end gives members and then null, or a
 * {@link TarReader.TarFormatException} after which {@code next()} keeps throwing; nothing else.
 * Every member keeps the class contract (data exactly when NONE, of the stated size, within
 * {@code maxMemberBytes}), every {@code next()} consumes a header block (so reading ends), and
 * memory follows the bytes read, not the sizes headers claim. Seeds: small archives written by
 * GNU tar in {@code TarReaderFuzzTestInputs/read/}; see docs/fuzzing.md.
 */
class TarReaderFuzzTest {
    private static final long MAX_MEMBER_BYTES = 2048;

    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void read(byte[] data) throws Exception {
        FuzzBounds.run(data.length, 1 << 20, 160, "TarReader", () -> readAll(data));
    }

    private static void readAll(byte[] data) throws IOException {
        int members = 0;
        try (TarReader reader = new TarReader(new ByteArrayInputStream(data), MAX_MEMBER_BYTES)) {
            try {
                TarReader.Member m;
                while ((m = reader.next()) != null) {
                    members++;
                    assertTrue(members <= data.length / 512, members + " members from " + data.length + " bytes");
                    assertNotNull(m.name());
                    assertNotNull(m.problem());
                    if (m.problem() == TarReader.Problem.NONE) {
                        assertNotNull(m.data());
                        assertEquals(m.size(), m.data().length, "data length of " + m.name());
                        assertTrue(m.size() <= MAX_MEMBER_BYTES, "member over the limit returned with data");
                        assertNull(m.message());
                    } else {
                        assertNull(m.data(), "data with problem " + m.problem());
                        assertNotNull(m.message());
                    }
                }
                assertNull(reader.next(), "next() after the end");
            } catch (TarReader.TarFormatException e) {
                assertNotNull(e.getMessage());
                assertThrows(TarReader.TarFormatException.class, reader::next, "next() after a failure");
            }
        }
    }
}
