package org.sparkimage.sql;

import java.lang.reflect.Method;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import scala.Function1;
import scala.runtime.BoxedUnit;

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
        for (Row r : spark.sql("SELECT path, classification.label, classification.error_code FROM classify_images(TABLE("
                + table + "), 'content', map('batch_size', '4'))").collectAsList()) {
            System.out.println("tvf\t" + r.getString(0) + "\t" + r.getString(1) + "\t" + r.getString(2));
        }
        Dataset<Row> files = spark.read().format("binaryFile").load(args[1]);
        for (Row r : transformThroughConnectMl(spark, files).select("path", "classification.label", "classification.error_code")
                .collectAsList()) {
            System.out.println("ml\t" + r.getString(0) + "\t" + r.getString(1) + "\t" + r.getString(2));
        }
        spark.close();
    }

    /**
     * Runs {@code ml.MobileNetV2Classifier} on the server over {@code input} the way Spark Connect ML
     * clients do: an {@code MlRelation.Transform} naming the class (which the server finds through
     * META-INF/services), a uid and the Params as literals. Spark 4.2's JVM client has no ML API and
     * its classes are not on this test's compile classpath (they clash with classic Spark SQL), so the
     * relation is written in protobuf text format and the client's (public in bytecode) {@code
     * newDataFrame} and {@code plan} are called reflectively.
     */
    static Dataset<Row> transformThroughConnectMl(SparkSession spark, Dataset<Row> input) throws Exception {
        Object plan = input.getClass().getMethod("plan").invoke(input);
        Object inputRelation = plan.getClass().getMethod("getRoot").invoke(plan);
        String text = "ml_relation { transform {"
                + " transformer { name: \"org.sparkimage.ml.MobileNetV2Classifier\" uid: \"mobilenetv2_connect\""
                + " type: OPERATOR_TYPE_TRANSFORMER }"
                + " input { " + inputRelation + " }"
                + " params {"
                + "  params { key: \"inputCol\" value { string: \"content\" } }"
                + "  params { key: \"topK\" value { integer: 3 } }"
                + " } } }";
        Class<?> textFormat = Class.forName("org.sparkproject.com.google.protobuf.TextFormat");
        Class<?> messageBuilder = Class.forName("org.sparkproject.com.google.protobuf.Message$Builder");
        Method merge = textFormat.getMethod("merge", CharSequence.class, messageBuilder);
        Function1<Object, BoxedUnit> build = builder -> {
            try {
                merge.invoke(null, text, builder);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the MlRelation text does not parse", e);
            }
            return BoxedUnit.UNIT;
        };
        @SuppressWarnings("unchecked")
        Dataset<Row> out = (Dataset<Row>) spark.getClass().getMethod("newDataFrame", Function1.class).invoke(spark, build);
        return out;
    }
}
