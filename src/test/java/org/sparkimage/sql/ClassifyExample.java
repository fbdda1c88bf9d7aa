package org.sparkimage.sql;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.ml.MobileNetV2Classifier;

/** The README's library example, verbatim from {@code public class} on (ReadmeExamplesTest compares them). */
public class ClassifyExample {
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[2]")
                .config("spark.sql.extensions", ImageFunctions.class.getName()).getOrCreate();
        Dataset<Row> files = spark.read().format("binaryFile").load(args[0]);
        new MobileNetV2Classifier().setInputCol("content").transform(files)
                .select("path", "classification.label").show(false);
        spark.sql("SELECT path, classify_image(content).label FROM binaryFile.`" + args[0] + "`").show(false);
    }
}
