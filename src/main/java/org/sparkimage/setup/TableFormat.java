package org.sparkimage.setup;

/**
 * How {@code <output>/predictions} is stored ({@code --format}): plain Parquet files, or a Delta
 * Lake table (the same Parquet files plus a transaction log, {@code _delta_log}). The value only:
 * reading and writing each format is {@code org.sparkimage.output}'s job
 * ({@code PredictionTables}); what a session needs for Delta is {@link SparkSessions}'.
 */
public enum TableFormat {
    /** Parquet files committed by Spark's file commit protocol. */
    PARQUET,
    /** A Delta Lake table: every commit chunk is one Delta transaction. */
    DELTA;

    /** The format's name as {@code --format} spells it. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
