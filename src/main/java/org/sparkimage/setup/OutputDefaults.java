package org.sparkimage.setup;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.sql.SparkSession;

/**
 * Session settings the job's own Parquet writes need, that Spark reads from the session rather
 * than from write options. The product's sessions start with them ({@link SparkSessions#withDefaults});
 * a session the job borrows (a notebook's, a test's) gets those the user did not set for the
 * length of one run ({@link #apply}), and its own values back at {@link #close()}.
 */
public final class OutputDefaults implements AutoCloseable {
    /** Spark's Parquet timestamp encoding. Its default, INT96, is deprecated by the Parquet format. */
    public static final String PARQUET_TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType";

    /**
     * The product's values: timestamps as {@code TIMESTAMP_MICROS}, the logical type every reader
     * (pyarrow, DuckDB, Polars, Trino) maps to a timestamp without guessing a unit; Spark reads
     * either back.
     */
    static final Map<String, String> VALUES = Map.of(PARQUET_TIMESTAMP_TYPE, "TIMESTAMP_MICROS");

    private final SparkSession spark;
    private final Map<String, String> applied;

    private OutputDefaults(SparkSession spark, Map<String, String> applied) {
        this.spark = spark;
        this.applied = applied;
    }

    /** Sets on {@code spark} each of {@link #VALUES} that the session does not set itself. */
    public static OutputDefaults apply(SparkSession spark) {
        Map<String, String> applied = new LinkedHashMap<>();
        VALUES.forEach((k, v) -> {
            if (!spark.conf().contains(k)) {
                spark.conf().set(k, v);
                applied.put(k, v);
            }
        });
        return new OutputDefaults(spark, applied);
    }

    /** Takes back what {@link #apply} set. */
    @Override
    public void close() {
        applied.keySet().forEach(spark.conf()::unset);
    }
}
