package org.sparkimage.core;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * The Hadoop configuration of the running Spark application, built in whichever JVM asks (driver or
 * executor) the way Spark builds its own: {@code SparkHadoopUtil.newConfiguration} over this JVM's
 * {@code SparkConf}, i.e. the classpath's {@code core-site.xml} plus every {@code spark.hadoop.*}
 * setting (endpoints, credentials) and the AWS environment variables.
 *
 * <p>For code that runs in tasks with no driver-side hook to broadcast the driver's settings from
 * ({@code classify_image}). Executors receive the application's {@code spark.*} settings when they
 * register, and in local mode the executor is the driver's JVM, so the {@code spark.hadoop.*}
 * settings a session was started with are here in every mode without anything extra in the
 * serialised plan: the credentials never travel inside a task or show in a plan. Settings made
 * later on {@code sparkContext().hadoopConfiguration()} or with a session-level {@code SET} are not
 * in a {@code SparkConf}, so they are not seen.
 */
public final class SparkHadoopSettings {
    private SparkHadoopSettings() {}

    /** A new configuration with this JVM's {@code spark.hadoop.*} settings; Hadoop's defaults outside a Spark application. */
    public static Configuration current() {
        SparkEnv env = SparkEnv.get();
        return env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
    }
}
