package org.sparkimage.job;

import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The settings every session of this product needs, wherever it is started. */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * Adds the product's required settings to {@code conf} without overriding what the user set:
     * ONNX Runtime telemetry off in executors (it crashes JVMs with long command lines and must
     * never phone home), Spark's own console progress bar off (the job prints its own line), and
     * S3A's classic input stream: Hadoop 3.5's default, the analytics stream, sends a HEAD before
     * every GET even when the length is known, two requests per image where one does
     * (docs/cluster.md, "Object stores").
     */
    public static SparkConf withDefaults(SparkConf conf) {
        conf.set("spark.executorEnv.ORT_DISABLE_TELEMETRY", "1");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.parquet.compression.codec", "zstd");
        conf.setIfMissing("spark.executor.heartbeatInterval", "5s");
        conf.setIfMissing("spark.hadoop.fs.s3a.input.stream.type", "classic");
        return conf;
    }

    /**
     * The active session, or a new one with the product's settings.
     *
     * @param master the Spark master, or null for spark-submit's (else {@code local[*]})
     * @param extra  settings given with {@code --conf}
     */
    public static SparkSession start(String appName, String master, Map<String, String> extra) {
        return start(conf(appName, master, extra));
    }

    /**
     * The settings a new session would start with: spark-submit's (system properties), the master,
     * {@code extra} and the product's defaults; for a caller that adds more before {@link #start(SparkConf)}.
     */
    public static SparkConf conf(String appName, String master, Map<String, String> extra) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) conf.setMaster(master);
        conf.setIfMissing("spark.master", "local[*]");
        extra.forEach(conf::set);
        return withDefaults(conf);
    }

    /** The active session, or a new one with {@code conf}. */
    public static SparkSession start(SparkConf conf) {
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
