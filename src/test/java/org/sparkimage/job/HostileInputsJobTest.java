package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.BadInputsManifest;
import org.sparkimage.testing.ForkedJvm;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

/**
 * The hostile-input corpus mixed with the reference photographs, run through the real CLI in a
 * JVM of its own whose heap is capped at 1 GB ({@code local[2]}, batches of 8, so bad files share
 * batches with good ones): the run succeeds, every file has exactly one row with its manifest
 * outcome, and the photographs' predictions equal those of a clean run on the photographs alone.
 */
class HostileInputsJobTest {
    private static final String PHOTOS = "photos/";

    @TempDir
    static Path tmp;
    static Map<String, Row> mixed;
    static int files;
    static String output;

    @BeforeAll
    static void runOnTheMixedFolderWithACappedHeap() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("mixed"));
        for (BadInputsManifest.Entry e : BadInputsManifest.load()) {
            Files.copy(ReferenceData.badInputsDir().resolve(e.file()), in.resolve(e.file()));
        }
        Path photos = Files.createDirectories(in.resolve(PHOTOS));
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            for (Path p : s.toList()) Files.copy(p, photos.resolve(p.getFileName()));
        }
        try (Stream<Path> s = Files.walk(in)) {
            files = (int) s.filter(Files::isRegularFile).count();
        }
        ForkedJvm.Result run = ForkedJvm.run(ClassifyCommand.class.getName(), List.of("-Xmx1g"),
                List.of("--input", in.toString(), "--output", tmp.resolve("out").toString(), "--master", "local[2]",
                        "--batch-size", "8", "--progress-seconds", "0"),
                Duration.ofMinutes(8), tmp);
        output = run.output();
        System.out.println(output);
        assertEquals(0, run.exitCode(), output);
        mixed = rowsByRelativePath(tmp.resolve("out/predictions"), "mixed/");
    }

    @Test
    void everyFileHasExactlyOneRowAndNoJvmRanOutOfMemory() {
        List<Row> all = TestSpark.session().read().parquet(tmp.resolve("out/predictions").toString()).collectAsList();
        assertEquals(files, all.size(), "rows");
        assertEquals(files, mixed.size(), "distinct paths");
        assertFalse(output.contains("OutOfMemoryError"), output);
    }

    @Test
    void everyHostileFileGetsItsManifestOutcome() {
        for (BadInputsManifest.Entry e : BadInputsManifest.load()) {
            Row r = mixed.get(e.file());
            assertNotNull(r, "no row for " + e.file());
            String status = r.getAs("status");
            String outcome = status.equals("ok") ? "ok" : "error:" + r.getAs("error_code");
            assertEquals(e.outcome(), outcome, e.file() + ": " + r.getAs("error_message"));
            if (e.ok()) {
                assertEquals(e.width(), (int) r.<Integer>getAs("width"), e.file() + " width");
                assertEquals(e.height(), (int) r.<Integer>getAs("height"), e.file() + " height");
            } else {
                String message = r.getAs("error_message");
                assertTrue(message != null && !message.isBlank(), e.file() + " has no message");
            }
            if (e.outcome().equals("error:TOO_LARGE")) {
                assertTrue(r.<String>getAs("error_message").contains("declares"), "refused from the header: " + r.getAs("error_message"));
            }
        }
    }

    @Test
    void badNeighboursDoNotChangeThePhotographsPredictions() throws Exception {
        Path clean = tmp.resolve("clean");
        JobOptions options = JobOptions.of(tmp.resolve("mixed").resolve(PHOTOS).toString(), clean.toString());
        ClassificationJob.run(TestSpark.session(), options, new PrintStream(PrintStream.nullOutputStream()));
        Map<String, Row> alone = rowsByRelativePath(clean.resolve("predictions"), "mixed/");
        int compared = 0;
        for (Map.Entry<String, Row> e : alone.entrySet()) {
            Row a = e.getValue();
            Row m = mixed.get(e.getKey());
            assertNotNull(m, "no row for " + e.getKey() + " in the mixed run");
            assertEquals(a.<String>getAs("status"), m.<String>getAs("status"), e.getKey());
            assertEquals(a.<String>getAs("label"), m.<String>getAs("label"), e.getKey());
            List<Row> ka = a.getList(a.fieldIndex("top_k"));
            List<Row> km = m.getList(m.fieldIndex("top_k"));
            for (int i = 0; i < ka.size(); i++) {
                assertEquals(ka.get(i).getFloat(2), km.get(i).getFloat(2), 1e-5, e.getKey() + " top_k[" + i + "]");
            }
            compared++;
        }
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            assertEquals(s.count(), compared, "photographs compared");
        }
    }

    /** Rows keyed by their path below {@code marker} (the input folder's name plus a slash). */
    private static Map<String, Row> rowsByRelativePath(Path predictions, String marker) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(predictions.toString()).collectAsList()) {
            String path = r.getAs("path");
            String key = path.substring(path.lastIndexOf(marker) + marker.length());
            assertEquals(null, rows.put(key, r), "duplicate row for " + key);
        }
        return rows;
    }
}
