package org.sparkimage.setup;

import java.util.Arrays;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The settings every session of this product needs, wherever it is started. */
public final class SparkSessions {
    private SparkSessions() {}

    /** Spark's list of session extensions (class names, comma-separated). */
    public static final String EXTENSIONS = "spark.sql.extensions";
    /** The catalog behind unqualified and path ({@code delta.`<path>`}) table names. */
    public static final String SESSION_CATALOG = "spark.sql.catalog.spark_catalog";
    /** Delta's analyzer rules (MERGE, DELETE, its commands). */
    public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    /** Delta's session catalog. */
    public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

    /**
     * Adds the product's required settings to {@code conf} without overriding what the user set:
     * ONNX Runtime telemetry off in executors (it crashes JVMs with long command lines and must
     * never phone home), Spark's own console progress bar off (the job prints its own line), and
     * S3A's classic input stream: Hadoop 3.5's default, the analytics stream, sends a HEAD before
     * every GET even when the length is known, two requests per image where one does
     * (docs/cluster.md, "Object stores"); and {@link OutputDefaults}' Parquet settings.
     */
    public static SparkConf withDefaults(SparkConf conf) {
        conf.set("spark.executorEnv.ORT_DISABLE_TELEMETRY", "1");
        // YARN's application master too (conf/spark-defaults.conf sets it for spark-submit; an
        // application started from code, such as a cluster benchmark's, has only this).
        conf.set("spark.yarn.appMasterEnv.ORT_DISABLE_TELEMETRY", "1");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.parquet.compression.codec", "zstd");
        conf.setIfMissing("spark.executor.heartbeatInterval", "5s");
        conf.setIfMissing("spark.hadoop.fs.s3a.input.stream.type", "classic");
        // The S3A magic committer (on when spark-hadoop-cloud is on the classpath) keeps a task's pending
        // uploads in the task's memory: a task that wrote no file then commits nothing, where listing its
        // never-created attempt folder fails the task (Hadoop 3.5, measured in ClusterIT), and each
        // file costs fewer requests.
        conf.setIfMissing("spark.hadoop.fs.s3a.committer.magic.track.commits.in.memory.enabled", "true");
        OutputDefaults.VALUES.forEach(conf::setIfMissing);
        return conf;
    }

    /**
     * The active session, or a new one with the product's settings.
     *
     * @param master the Spark master, or null for spark-submit's (else {@code local[*]})
     * @param extra  settings given with {@code --conf}
     */
    public static SparkSession start(String appName, String master, Map<String, String> extra) {
        return start(appName, master, extra, TableFormat.PARQUET);
    }

    /**
     * The active session, or a new one with the product's settings and those that writing
     * {@code format} needs ({@link #withDelta}).
     *
     * @param master the Spark master, or null for spark-submit's (else {@code local[*]})
     * @param extra  settings given with {@code --conf}
     */
    public static SparkSession start(String appName, String master, Map<String, String> extra, TableFormat format) {
        return start(conf(appName, master, extra, format));
    }

    /**
     * The settings a new session would start with: spark-submit's (system properties), the master,
     * {@code extra}, the product's defaults and what writing {@code format} needs; for a caller that
     * adds more before {@link #start(SparkConf)}.
     */
    public static SparkConf conf(String appName, String master, Map<String, String> extra, TableFormat format) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) conf.setMaster(master);
        conf.setIfMissing("spark.master", "local[*]");
        extra.forEach(conf::set);
        withDefaults(conf);
        return format == TableFormat.DELTA ? withDelta(conf) : conf;
    }

    /** The active session, or a new one with {@code conf}. */
    public static SparkSession start(SparkConf conf) {
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /**
     * Adds what Delta Lake 4 needs of a session, even for a table named by path: its extension,
     * after any the user listed (e.g. {@code org.sparkimage.sql.ImageFunctions}), and its catalog as
     * the session catalog unless the user chose one (measured: without both, Delta 4.4 refuses
     * even a path write with DELTA_CONFIGURE_SPARK_SESSION_WITH_EXTENSION_AND_CATALOG).
     */
    public static SparkConf withDelta(SparkConf conf) {
        String listed = conf.get(EXTENSIONS, "").strip();
        if (!listsDelta(listed)) conf.set(EXTENSIONS, listed.isEmpty() ? DELTA_EXTENSION : listed + "," + DELTA_EXTENSION);
        conf.setIfMissing(SESSION_CATALOG, DELTA_CATALOG);
        return conf;
    }

    /**
     * Whether {@code spark} can write Delta tables: Delta's extension is among its extensions and
     * a session catalog is set (Delta's, or one the user chose on purpose).
     */
    public static boolean readyForDelta(SparkSession spark) {
        return listsDelta(spark.conf().get(EXTENSIONS, "")) && !spark.conf().get(SESSION_CATALOG, "").isBlank();
    }

    private static boolean listsDelta(String extensions) {
        return Arrays.stream(extensions.split(",")).map(String::strip).anyMatch(DELTA_EXTENSION::equals);
    }
}
