package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.output.JobSummary;
import org.sparkimage.output.RunSummarizer;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.TestSpark;

/**
 * Files Spark's own scan would drop or mangle still get exactly one row: a 0-byte file (the
 * binaryFile scan skips it), names with spaces and non-ASCII letters, a nested directory, text.
 */
class RowContractTest {
    @TempDir
    Path tmp;

    @Test
    void everyFileGetsExactlyOneRow() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in/nested dir"));
        Files.write(in.resolve("empty.jpg"), new byte[0]);
        Files.copy(Path.of("samples/chelsea.png"), in.resolve("photo café 1.PNG"));
        Files.copy(Path.of("samples/rocket.jpg"), tmp.resolve("in/rocket"));
        Files.writeString(tmp.resolve("in/notes.txt"), "not an image");

        JobOptions o = JobOptions.of(tmp.resolve("in").toString(), tmp.resolve("out").toString());
        JobSummary summary = ClassificationJob.run(TestSpark.session(), o, new PrintStream(PrintStream.nullOutputStream()));

        Map<String, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(tmp.resolve("out/predictions").toString()).collectAsList()) {
            String path = r.getString(r.fieldIndex("path"));
            rows.put(path.substring(path.lastIndexOf('/') + 1), r);
        }
        assertEquals(4, rows.size(), rows.keySet().toString());
        assertEquals(4, summary.counts().images());
        assertEquals("EMPTY", rows.get("empty.jpg").getString(rows.get("empty.jpg").fieldIndex("error_code")));
        assertEquals("NOT_AN_IMAGE", rows.get("notes.txt").getAs("error_code"));
        assertEquals("ok", rows.get("photo café 1.PNG").getAs("status"));
        assertEquals("ok", rows.get("rocket").getAs("status"));
        assertEquals(Integer.valueOf(451), rows.get("photo café 1.PNG").getAs("width"));
        // The summary adds up the tasks' counts; reading the table back must give the same.
        assertEquals(Map.of("EMPTY", 1L, "NOT_AN_IMAGE", 1L), summary.counts().errorCodes());
        assertEquals(RunSummarizer.countsOf(TestSpark.session().read().parquet(tmp.resolve("out/predictions").toString()),
                summary.counts().labeled()), summary.counts());
        assertEquals(2, summary.counts().labels().values().stream().mapToLong(Long::longValue).sum(), "one label per ok row");
    }

    @Test
    void partitionsWithOnlyBadFilesStillGiveTheirRows() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("bad"));
        for (int i = 0; i < 5; i++) Files.writeString(in.resolve("note-" + i + ".jpg"), "not an image " + i);
        JobOptions o = JobOptions.of(in.toString(), tmp.resolve("bad-out").toString()).withPartitions(2);
        JobSummary summary = ClassificationJob.run(TestSpark.session(), o, new PrintStream(PrintStream.nullOutputStream()));
        assertEquals(5, summary.counts().images());
        assertEquals(5, summary.counts().errors());
        assertEquals(Map.of("NOT_AN_IMAGE", 5L), summary.counts().errorCodes());
        assertEquals(5, TestSpark.session().read().parquet(tmp.resolve("bad-out/predictions").toString()).count());
    }
}
