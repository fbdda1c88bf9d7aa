package org.sparkimage.sql;

import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.testing.S3Server;

/**
 * For {@link S3ModelSqlTest}, in a JVM of its own: a local session whose only S3A settings are
 * {@code spark.hadoop.*} settings of the session (S3Server's endpoint, and its keys unless
 * {@code without-credentials}), with the image functions enabled through {@code spark.sql.extensions},
 * runs {@code classify_image} with a model on S3 and the shipped default side by side over a folder.
 * Prints {@code ROW <file> <label> <probability> <sha256> <default label> <default probability>}
 * per image and exits 0, or prints {@code FAILED <messages of the cause chain>} and exits 3.
 *
 * <p>Arguments: {@code <S3 port> with-credentials|without-credentials <model URI> <image folder>}.
 */
public final class S3ModelSqlMain {
    private S3ModelSqlMain() {}

    /** Runs the query once and exits with 0 (rows printed) or 3 (the query failed). */
    public static void main(String[] args) {
        boolean credentials = args[1].equals("with-credentials");
        SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("s3-model-sql")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.extensions", ImageFunctions.class.getName());
        for (Map.Entry<String, String> e : S3Server.sparkSettings(Integer.parseInt(args[0])).entrySet()) {
            boolean key = e.getKey().endsWith(".access.key") || e.getKey().endsWith(".secret.key");
            if (credentials || !key) builder.config(e.getKey(), e.getValue());
        }
        SparkSession spark = builder.getOrCreate();
        int status = 0;
        try {
            String query = "SELECT path, classify_image(content, 'model=" + args[2] + "') AS c, classify_image(content) AS d"
                    + " FROM binaryFile.`" + args[3] + "` ORDER BY path";
            for (Row r : spark.sql(query).collectAsList()) {
                Row c = r.getStruct(1);
                Row d = r.getStruct(2);
                String path = r.getString(0);
                System.out.println(String.join("\t", "ROW", path.substring(path.lastIndexOf('/') + 1), c.getAs("status") + ":" + c.getAs("label"),
                        String.valueOf(c.<Float>getAs("probability")), c.getAs("model_sha256"), d.getAs("status") + ":" + d.getAs("label"),
                        String.valueOf(d.<Float>getAs("probability"))));
            }
        } catch (Exception e) { // SparkException (a failed task) is a checked exception
            StringBuilder messages = new StringBuilder("FAILED");
            for (Throwable t = e; t != null; t = t.getCause()) messages.append('\t').append(t.getMessage());
            System.out.println(messages.toString().replace('\n', ' '));
            status = 3;
        } finally {
            spark.stop();
        }
        System.exit(status);
    }
}
