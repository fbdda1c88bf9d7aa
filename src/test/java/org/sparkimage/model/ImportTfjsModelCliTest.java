package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.ForkedJvm;

/** The importer's command line, run as scripts/import-default-model.sh runs it: a main class in its own JVM. */
class ImportTfjsModelCliTest {
    @TempDir
    Path tmp;

    private ForkedJvm.Result run(String... args) {
        return ForkedJvm.run(ImportTfjsModel.class.getName(), List.of("-Xmx256m"), List.of(args), Duration.ofSeconds(60), tmp);
    }

    @Test
    void aFlagGivenLastWithoutItsValueIsAUsageError() {
        ForkedJvm.Result r = run("--model", "model.json", "--weights", "shard.bin", "--card", "card.json", "--output");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("Missing required parameter for option '--output'"), r.output());
        assertTrue(r.output().contains("Usage: ImportTfjsModel"), r.output());
        assertFalse(r.output().contains("NullPointerException"), r.output());
    }

    @Test
    void missingOptionsAndUnknownOnesAreUsageErrors() {
        ForkedJvm.Result missing = run("--model", "model.json");
        assertEquals(2, missing.exitCode(), missing.output());
        assertTrue(missing.output().contains("Usage: ImportTfjsModel"), missing.output());
        ForkedJvm.Result unknown = run("--model", "m", "--weights", "w", "--card", "c", "--output", "o", "--bogus", "x");
        assertEquals(2, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("Unknown options: '--bogus'"), unknown.output());
    }
}
