package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

/**
 * {@code --partition-by label}: one folder per label (error rows under Hive's null folder), the
 * same rows and schema as an unpartitioned table, and {@code --resume} over it labels only new files.
 */
class PartitionByTest {
    @TempDir
    Path tmp;

    @Test
    void partitionsByLabelAndResumes() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        List<ReferenceData.Expected> photos = ReferenceData.nsfwExpected().stream().limit(4).toList();
        for (ReferenceData.Expected e : photos.subList(0, 3)) {
            Files.copy(ReferenceData.nsfwDir().resolve(e.file()), images.resolve(e.fileName()));
        }
        Files.writeString(images.resolve("notes.jpg"), "not an image");
        SparkSession spark = TestSpark.session();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        String out = tmp.resolve("out").toString();
        JobOptions o = JobOptions.of(images.toString(), out).withPartitionBy("label");
        ClassificationJob.run(spark, o, quiet);

        Path table = tmp.resolve("out/predictions");
        Set<String> folders = new HashSet<>();
        try (var s = Files.list(table)) {
            s.filter(Files::isDirectory).forEach(p -> folders.add(p.getFileName().toString()));
        }
        assertTrue(folders.contains("label=__HIVE_DEFAULT_PARTITION__"), folders.toString());
        for (ReferenceData.Expected e : photos.subList(0, 3)) {
            assertTrue(folders.contains("label=" + e.json().get("top1_class")), folders + " " + e.fileName());
        }
        List<Row> rows = spark.read().parquet(table.toString()).collectAsList();
        assertEquals(4, rows.size());

        Files.copy(ReferenceData.nsfwDir().resolve(photos.get(3).file()), images.resolve(photos.get(3).fileName()));
        JobSummary resumed = ClassificationJob.run(spark, o.resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet);
        assertEquals(1, resumed.counts().labeled(), "only the new file is labeled");
        assertEquals(4, resumed.resume().kept());
        List<Row> after = spark.read().schema(PredictionSchema.SCHEMA).parquet(table.toString()).collectAsList();
        assertEquals(5, after.size(), "one row per file");
        Set<String> paths = new HashSet<>();
        for (Row r : after) assertTrue(paths.add(r.getAs("path")), "no duplicate row");
    }

    @Test
    void refusesToResumeWithAnotherPartitioning() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        ReferenceData.Expected photo = ReferenceData.nsfwExpected().get(0);
        Files.copy(ReferenceData.nsfwDir().resolve(photo.file()), images.resolve(photo.fileName()));
        SparkSession spark = TestSpark.session();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        JobOptions plain = JobOptions.of(images.toString(), tmp.resolve("plain").toString());
        ClassificationJob.run(spark, plain, quiet);
        JobException byLabel = assertThrows(JobException.class, () -> ClassificationJob.run(spark,
                plain.withPartitionBy("label").resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet));
        assertEquals(JobException.EXIT_USAGE, byLabel.exitCode());
        assertTrue(byLabel.getMessage().contains("is not partitioned; resume it with no --partition-by"), byLabel.getMessage());

        JobOptions labelled = JobOptions.of(images.toString(), tmp.resolve("labelled").toString()).withPartitionBy("label");
        ClassificationJob.run(spark, labelled, quiet);
        JobException unpartitioned = assertThrows(JobException.class, () -> ClassificationJob.run(spark,
                JobOptions.of(images.toString(), tmp.resolve("labelled").toString()).resuming(JobOptions.DEFAULT_COMMIT_EVERY), quiet));
        assertTrue(unpartitioned.getMessage().contains("is partitioned by label; resume it with --partition-by label"),
                unpartitioned.getMessage());
        assertEquals(1, spark.read().parquet(tmp.resolve("labelled/predictions").toString()).count(), "left as it was");
    }

    @Test
    void refusesAColumnWithAValuePerRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobOptions.of("in", "out").withPartitionBy("path"));
        assertTrue(e.getMessage().contains("--partition-by must be one of"), e.getMessage());
    }
}
