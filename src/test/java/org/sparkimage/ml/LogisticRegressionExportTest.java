package org.sparkimage.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.TestSpark;

/**
 * The README's Spark ML route: featurizer + MLlib {@code LogisticRegression} in a Pipeline, then
 * {@link LogisticRegressionExport} writes the fitted regression and the backbone as one ONNX model,
 * which the transformer runs and which gives the pipeline's probabilities. Two classes, so MLlib
 * fits a binomial model (one coefficient row) and the export has to make it a two-class softmax.
 */
class LogisticRegressionExportTest {
    @TempDir
    Path tmp;

    @Test
    void aFittedPipelineExportsToOneOnnxModelWithItsProbabilities() throws Exception {
        SparkSession spark = TestSpark.session();
        Path root = Path.of(System.getProperty("sparkimage.root", ".")).toAbsolutePath().normalize().resolve("src/test/data/labeled");
        Dataset<Row> images = null;
        for (String c : List.of("face", "flag")) {
            Dataset<Row> d = spark.read().format("binaryFile").load(root.resolve(c).toString()).limit(20)
                    .withColumn("label", functions.lit(c.equals("face") ? 0.0 : 1.0));
            images = images == null ? d : images.union(d);
        }
        MobileNetV2Featurizer featurizer = new MobileNetV2Featurizer().setInputCol("content");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {featurizer, new LogisticRegression().setRegParam(0.1)})
                .fit(images);
        LogisticRegressionModel lr = (LogisticRegressionModel) fitted.stages()[1];
        assertEquals(1, lr.coefficientMatrix().numRows(), "two classes: MLlib's binomial form");
        byte[] onnx = LogisticRegressionExport.toOnnx(lr, List.of("face", "flag"), featurizer.resolvedModel().bytes(), "faces-or-flags",
                Map.of());
        Path model = Files.write(tmp.resolve("model.onnx"), onnx);

        Map<String, Double> mllib = new HashMap<>();
        for (Row r : fitted.transform(images).select("path", "probability").collectAsList()) {
            mllib.put(r.getString(0), ((Vector) r.get(1)).apply(1));
        }
        List<Row> onnxRows = new MobileNetV2Classifier().setInputCol("content").setModel(model.toString()).setTopK(2)
                .transform(images).select("path", "classification.label", "classification.top_k").collectAsList();
        assertEquals(40, onnxRows.size());
        double maxDiff = 0;
        for (Row r : onnxRows) {
            double pFlag = 0;
            for (Row e : r.<Row>getList(2)) if ("flag".equals(e.getAs("label"))) pFlag = e.<Float>getAs("probability");
            maxDiff = Math.max(maxDiff, Math.abs(pFlag - mllib.get(r.getString(0))));
            assertEquals(mllib.get(r.getString(0)) > 0.5 ? "flag" : "face", r.getString(1), r.getString(0));
        }
        assertTrue(maxDiff < 1e-5, "max |p_onnx - p_mllib| = " + maxDiff);
    }

    @Test
    void labelsMustMatchTheRegressionsClasses() {
        SparkSession spark = TestSpark.session();
        Dataset<Row> rows = spark.createDataFrame(Stream.of(0.0, 1.0, 2.0).map(l -> org.apache.spark.sql.RowFactory.create(l,
                org.apache.spark.ml.linalg.Vectors.dense(l, 1 - l))).toList(), new org.apache.spark.sql.types.StructType()
                .add("label", "double").add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType()));
        LogisticRegressionModel lr = new LogisticRegression().setMaxIter(5).fit(rows);
        assertThrows(IllegalArgumentException.class, () -> LogisticRegressionExport.head(lr, List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegressionExport.head(lr, List.of("a", "b", "c"), new double[] {1}));
        assertEquals(3, LogisticRegressionExport.head(lr, List.of("a", "b", "c")).labels().size());
    }
}
