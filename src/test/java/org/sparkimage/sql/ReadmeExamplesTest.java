package org.sparkimage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.ForkedProcess;
import org.sparkimage.testing.ReferenceData;

/**
 * The README's "From SQL, Python and Spark Connect" snippets, read from the README itself: the SQL
 * block runs statement by statement (its {@code /data} paths pointed at a temporary folder), and
 * the Java program is {@link ClassifyExample} verbatim, run in a JVM of its own (its
 * {@code spark.sql.extensions} needs a fresh SparkContext).
 */
class ReadmeExamplesTest {
    @TempDir
    Path tmp;

    @Test
    void theSqlBlockRuns() throws Exception {
        Path images = images();
        List<String> statements = List.of(block("sql-example", "sql").replace("/data/images", images.toString())
                .replace("/data/predictions", tmp.resolve("predictions").toString()).split(";\\s*\\n"));
        assertEquals(4, statements.size(), "the README's four queries");
        SparkSession spark = ImageFunctionSession.start();
        try {
            List<Row> labels = spark.sql(statements.get(0)).collectAsList();
            assertEquals(4, labels.size());
            assertTrue(labels.stream().anyMatch(r -> r.isNullAt(1)), "notes.jpg has no label");
            long n = spark.sql(statements.get(1)).collectAsList().stream().mapToLong(r -> r.getLong(1)).sum();
            assertEquals(4, n);
            spark.sql(statements.get(2).replaceAll(";\\s*$", ""));
            assertEquals(4, spark.read().parquet(tmp.resolve("predictions").toString()).count());
            List<Row> batched = spark.sql(statements.get(3).replaceAll(";\\s*$", "")).collectAsList();
            assertEquals(labels.stream().map(r -> r.getString(0) + " " + r.getString(1)).sorted().toList(),
                    batched.stream().map(r -> r.getString(0) + " " + r.getString(1)).sorted().toList(), "the table function's labels");
        } finally {
            spark.sql("DROP TABLE IF EXISTS predictions");
            ImageFunctionSession.restore();
        }
    }

    @Test
    void theJavaProgramIsTheExampleAndRuns() throws Exception {
        String source = Files.readString(Path.of("src/test/java/org/sparkimage/sql/ClassifyExample.java"));
        assertEquals(source.substring(source.indexOf("\npublic class") + 1).trim(), block("java-example", "java"));
        Path images = images();
        try (ForkedProcess jvm = Jvms.start(tmp.resolve("example.log"), Jvms.projectClasspath(null), ClassifyExample.class,
                List.of(images.toString()))) {
            int exit = jvm.waitFor(Duration.ofSeconds(120));
            String out = jvm.output();
            assertEquals(0, exit, out);
            for (ReferenceData.Expected e : expected()) {
                String label = (String) e.json().get("top1_class");
                long rows = out.lines().filter(l -> l.contains(e.fileName()) && l.contains(label)).count();
                assertEquals(2, rows, e.fileName() + " labelled " + label + " by the transformer and by SQL:\n" + out);
            }
        }
    }

    /** Three reference photos and one text file. */
    private Path images() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        for (ReferenceData.Expected e : expected()) Files.copy(ReferenceData.nsfwDir().resolve(e.file()), dir.resolve(e.fileName()));
        Files.writeString(dir.resolve("notes.jpg"), "not an image");
        return dir;
    }

    private static List<ReferenceData.Expected> expected() {
        return ReferenceData.nsfwExpected().stream().filter(e -> e.top1Margin() > 0.5).limit(3).toList();
    }

    /** The fenced {@code lang} block after the README comment {@code <!-- marker ...}. */
    private static String block(String marker, String lang) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("<!-- " + marker);
        assertTrue(at >= 0, "README has no " + marker);
        int start = readme.indexOf("```" + lang + "\n", at) + lang.length() + 4;
        return readme.substring(start, readme.indexOf("```", start)).trim();
    }
}
