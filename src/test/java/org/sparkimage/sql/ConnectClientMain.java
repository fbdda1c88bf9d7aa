package org.sparkimage.sql;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The README's queries through Spark's JVM Connect client, for {@link ConnectServerTest}: runs in a
 * JVM whose classpath has the Connect client and no classic Spark SQL, so nothing here can reach a
 * {@code SparkContext}. Prints one tab-separated line per result row, prefixed by the query's name.
 *
 * <p>args: the server port, the image folder, the CTAS location.
 */
public final class ConnectClientMain {
    private ConnectClientMain() {}

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().remote("sc://127.0.0.1:" + args[0]).getOrCreate();
        String table = "binaryFile.`" + args[1] + "`";
        for (Row r : spark.sql("SELECT path, classify_image(content).label AS label,"
                + " classify_image(content).error_code AS error_code FROM " + table).collectAsList()) {
            System.out.println("label\t" + r.getString(0) + "\t" + r.getString(1) + "\t" + r.getString(2));
        }
        for (Row r : spark.sql("SELECT classify_image(content).label AS label, count(*) AS n FROM " + table
                + " GROUP BY 1").collectAsList()) {
            System.out.println("count\t" + r.getString(0) + "\t" + r.getLong(1));
        }
        spark.sql("CREATE TABLE connect_predictions USING parquet LOCATION '" + args[2] + "' AS"
                + " SELECT path, classify_image(content, map('top_k', '3')) AS c FROM " + table);
        System.out.println("ctas\t" + spark.read().parquet(args[2]).count());
        Row empty = spark.sql("SELECT classify_image(CAST(NULL AS BINARY)) AS c").first().getStruct(0);
        System.out.println("null\t" + empty.getAs("status") + "\t" + empty.getAs("error_code"));
        spark.close();
    }
}
