package org.sparkimage.sql;

import org.apache.spark.sql.SparkSession;

/**
 * A Spark Connect server for {@link ConnectServerTest}, in a JVM of its own: local[2], gRPC on
 * 127.0.0.1 at the given port, and the image functions enabled the way a deployment enables them,
 * through {@code spark.sql.extensions}. Prints {@code READY} once it listens; runs until killed.
 */
public final class ConnectServerMain {
    private ConnectServerMain() {}

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("connect-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
                .config("spark.connect.grpc.binding.address", "127.0.0.1")
                .config("spark.connect.grpc.binding.port", args[0])
                .config("spark.sql.extensions", ImageFunctions.class.getName())
                .getOrCreate();
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join(); // until the test kills this JVM
    }
}
