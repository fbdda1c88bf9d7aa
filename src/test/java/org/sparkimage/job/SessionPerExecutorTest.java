package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

/** 16 partitions on local[2]: every task of the one executor JVM shares one ONNX Runtime session. */
class SessionPerExecutorTest {
    @TempDir
    Path tmp;

    @Test
    void oneSessionPerExecutorJvmWhateverThePartitionCount() throws Exception {
        SparkSession spark = TestSpark.session();
        JobOptions o = JobOptions.of(ReferenceData.nsfwDir().resolve("images").toString(), tmp.resolve("out").toString())
                .withPartitions(16);
        JobSummary summary = ClassificationJob.run(spark, o, new PrintStream(PrintStream.nullOutputStream()));
        List<Row> stats = spark.read().parquet(tmp.resolve("out/stats").toString()).collectAsList();
        assertEquals(16, stats.size(), "one stats row per partition");
        for (Row r : stats) assertEquals(1, r.getInt(r.fieldIndex("sessions_created")), r.toString());
        assertEquals(1, summary.run().sessionsCreated());
        assertEquals(List.of("driver"), summary.run().executors());
        assertEquals(summary.counts().images(), stats.stream().mapToLong(r -> r.getLong(r.fieldIndex("images"))).sum());
    }
}
