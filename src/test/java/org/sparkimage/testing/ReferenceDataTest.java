package org.sparkimage.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * How the tests find their data: the shipped subset always (and small), the full set only when it
 * is configured; unconfigured it skips, configured but missing it fails.
 */
class ReferenceDataTest {
    /** The repository stays lean: the whole shipped test data and each of its files. */
    private static final long MAX_TOTAL_BYTES = 10L << 20;
    private static final long MAX_FILE_BYTES = 2L << 20;

    @TempDir
    Path tmp;

    @Test
    void withoutTheSettingTheFullSetIsSkippedNotPassed() {
        Assumptions.assumeTrue(System.getenv().getOrDefault("SPARKIMAGE_SHARED", "").isBlank(), "SPARKIMAGE_SHARED is set");
        withShared("", () -> assertThrows(TestAbortedException.class, ReferenceData::fullReference));
    }

    @Test
    void aSettingThatNamesNoReferenceFolderFails() {
        withShared(tmp.resolve("missing").toString(), () -> {
            AssertionFailedError e = assertThrows(AssertionFailedError.class, ReferenceData::fullNsfwDir);
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        });
    }

    @Test
    void aSettingThatNamesAReferenceFolderIsUsed() throws IOException {
        Files.createDirectories(tmp.resolve("reference/bad-inputs"));
        withShared(tmp.toString(), () -> assertEquals(tmp.resolve("reference/bad-inputs").toAbsolutePath(), ReferenceData.fullBadInputsDir()));
    }

    @Test
    void theShippedDataIsComplete() {
        assertEquals(21, ReferenceData.nsfwExpected().size(), "shipped photographs");
        for (ReferenceData.Expected e : ReferenceData.nsfwExpected()) {
            assertTrue(Files.isRegularFile(ReferenceData.nsfwDir().resolve(e.file())), e.file());
        }
        List<BadInputsManifest.Entry> entries = BadInputsManifest.load();
        for (BadInputsManifest.Entry e : entries) {
            assertTrue(Files.isRegularFile(ReferenceData.badInputsDir().resolve(e.file())), e.file());
        }
    }

    @Test
    void theShippedDataStaysSmall() throws IOException {
        long total = 0;
        try (Stream<Path> s = Files.walk(ShippedData.source())) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                long size = Files.size(p);
                assertTrue(size <= MAX_FILE_BYTES, p + " is " + size + " bytes");
                total += size;
            }
        }
        assertTrue(total <= MAX_TOTAL_BYTES, "src/test/data holds " + total + " bytes");
    }

    private static void withShared(String value, Runnable check) {
        String before = System.getProperty("sparkimage.shared");
        System.setProperty("sparkimage.shared", value);
        try {
            check.run();
        } finally {
            if (before == null) System.clearProperty("sparkimage.shared");
            else System.setProperty("sparkimage.shared", before);
        }
    }
}
