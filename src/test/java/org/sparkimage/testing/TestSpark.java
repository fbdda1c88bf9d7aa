package org.sparkimage.testing;

import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.sparkimage.setup.SparkSessions;

/** One real local[2] SparkSession shared by the test classes of a JVM (started on first use). */
public final class TestSpark {
    private TestSpark() {}

    public static synchronized SparkSession session() {
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active != null && !active.sparkContext().isStopped()) return active;
        return SparkSessions.start("tests", "local[2]", Map.of(
                "spark.ui.enabled", "false",
                "spark.sql.shuffle.partitions", "4",
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1"));
    }
}
