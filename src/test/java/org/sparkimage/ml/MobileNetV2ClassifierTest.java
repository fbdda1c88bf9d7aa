package org.sparkimage.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.job.ClassificationJob;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.SeededWeights;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

/**
 * The Spark ML transformer: the same rows as the CLI job for the same images, bytes or Spark's
 * image struct as input, input columns and order kept, and a Pipeline that saves, loads in a
 * fresh SparkSession with the model bytes inside, and gives identical outputs.
 */
class MobileNetV2ClassifierTest {
    private static final StructType BYTES = new StructType().add("id", DataTypes.StringType).add("image", DataTypes.BinaryType)
            .add("n", DataTypes.IntegerType);

    @TempDir
    Path tmp;

    @Test
    void givesTheJobsPredictionsAndKeepsTheInputRows() throws Exception {
        List<Path> samples = samples();
        List<Row> rows = new ArrayList<>();
        for (Path p : samples) rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), rows.size()));
        rows.add(RowFactory.create("text", "not an image".getBytes(StandardCharsets.UTF_8), rows.size()));
        rows.add(RowFactory.create("null", null, rows.size()));
        SparkSession spark = TestSpark.session();
        Dataset<Row> input = spark.createDataFrame(
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2), BYTES);

        MobileNetV2Classifier classifier = new MobileNetV2Classifier().setInputCol("image").setEmbeddings(true);
        Dataset<Row> out = classifier.transform(input);
        assertEquals(List.of("id", "image", "n", "classification", "embedding"), List.of(out.columns()));
        assertEquals(classifier.transformSchema(input.schema()), out.schema());
        List<Row> got = out.collectAsList();
        assertEquals(rows.stream().map(r -> r.getString(0)).toList(), got.stream().map(r -> r.getString(0)).toList(),
                "rows keep their partitions and order");
        Map<String, Row> byId = new HashMap<>();
        for (Row r : got) assertNull(byId.put(r.getString(0), r), "one row per input row");
        assertEquals(rows.size(), byId.size());
        assertEquals("NOT_AN_IMAGE", byId.get("text").getStruct(3).getAs("error_code"));
        assertEquals("EMPTY", byId.get("null").getStruct(3).getAs("error_code"));
        assertNull(byId.get("null").get(4), "error rows have no embedding");

        // The job stores array<float> by default; as Vectors its embeddings compare with the transformer's directly.
        JobOptions job = JobOptions.of("samples", tmp.resolve("job").toString()).withEmbeddings(true)
                .withEmbeddingFormat(org.sparkimage.setup.EmbeddingFormat.VECTOR);
        ClassificationJob.run(spark, job, new PrintStream(PrintStream.nullOutputStream()));
        List<Row> jobRows = spark.read().parquet(tmp.resolve("job/predictions").toString()).collectAsList();
        assertEquals(samples.size(), jobRows.size());
        for (Row j : jobRows) {
            String path = j.getAs("path");
            Row t = byId.get(path.substring(path.lastIndexOf('/') + 1));
            Row c = t.getStruct(3);
            for (String f : List.of("status", "error_code", "width", "height", "label", "label_index", "probability", "top_k",
                    "model_sha256")) {
                assertEquals(j.<Object>getAs(f), c.<Object>getAs(f), path + " " + f);
            }
            assertEquals(j.<Vector>getAs("embedding"), t.get(4), path);
        }
    }

    @Test
    void readsSparksImageStructLikeTheEncodedBytes() throws Exception {
        // Opaque 8-bit PNGs: Spark's image source (javax.imageio) and this project decode them to
        // the same pixels, so both inputs must give the same probabilities.
        Path dir = Files.createDirectories(tmp.resolve("png"));
        List<Path> pngs;
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().limit(6).toList();
        }
        assertEquals(6, pngs.size(), "reference PNGs");
        for (Path p : pngs) Files.copy(p, dir.resolve(p.getFileName()));
        Files.writeString(dir.resolve("broken.png"), "not a png");
        SparkSession spark = TestSpark.session();
        Dataset<Row> images = spark.read().format("image").option("dropInvalid", false).load(dir.toString());
        MobileNetV2Classifier classifier = new MobileNetV2Classifier().setInputCol("image").setTopK(5);
        Map<String, Row> fromStruct = new HashMap<>();
        for (Row r : classifier.transform(images).collectAsList()) {
            String origin = r.getStruct(0).getString(0);
            fromStruct.put(origin.substring(origin.lastIndexOf('/') + 1), r.getStruct(1));
        }
        assertEquals(7, fromStruct.size());
        assertEquals("CORRUPT", fromStruct.get("broken.png").getAs("error_code"));

        List<Row> rows = new ArrayList<>();
        for (Path p : pngs) rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), 0));
        for (Row r : classifier.transform(spark.createDataFrame(rows, BYTES)).collectAsList()) {
            Row s = fromStruct.get(r.getString(0));
            Row b = r.getStruct(3);
            assertEquals("ok", s.getAs("status"), r.getString(0));
            assertEquals(b.<Integer>getAs("width"), s.<Integer>getAs("width"));
            List<Row> ks = s.getList(s.fieldIndex("top_k"));
            List<Row> kb = b.getList(b.fieldIndex("top_k"));
            for (int i = 0; i < kb.size(); i++) {
                assertEquals(kb.get(i).getInt(0), ks.get(i).getInt(0), r.getString(0));
                assertEquals(kb.get(i).getFloat(2), ks.get(i).getFloat(2), 1e-6, r.getString(0));
            }
        }
    }

    @Test
    void aSavedPipelineLoadsInAFreshSessionWithTheModelInside() throws Exception {
        // A model file that exists only until the pipeline is saved: the loaded stage must carry its bytes.
        Path modelFile = tmp.resolve("seeded.onnx");
        ModelCard card = ModelCard.load(Path.of("conf/models/onnx-zoo-mobilenetv2-12.card.json"));
        Files.write(modelFile, MobileNetV2OnnxWriter.write(MobileNetV2Spec.imagenet(0.35, 224, 1000), new SeededWeights(11),
                card, MobileNetV2OnnxWriter.Options.defaults()));
        List<Row> rows = new ArrayList<>();
        for (Path p : samples()) rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), 0));
        rows.add(RowFactory.create("text", "no image here".getBytes(StandardCharsets.UTF_8), 0));
        Path data = tmp.resolve("images.parquet");
        TestSpark.session().createDataFrame(rows, BYTES).coalesce(2).write().parquet(data.toString());

        MobileNetV2Classifier classifier = new MobileNetV2Classifier().setModel(modelFile.toString()).setBatchSize(3).setTopK(3);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {classifier,
                new SQLTransformer().setStatement("SELECT id, classification.label AS predicted, classification FROM __THIS__")});
        PipelineModel fitted = pipeline.fit(TestSpark.session().read().parquet(data.toString()));
        List<Row> before = fitted.transform(TestSpark.session().read().parquet(data.toString())).orderBy("id").collectAsList();
        Path saved = tmp.resolve("pipeline");
        fitted.write().save(saved.toString());
        Files.delete(modelFile);

        TestSpark.session().stop();
        SparkSession fresh = TestSpark.session();
        PipelineModel loaded = PipelineModel.load(saved.toString());
        MobileNetV2Classifier stage = (MobileNetV2Classifier) loaded.stages()[0];
        assertEquals(classifier.uid(), stage.uid());
        assertEquals(3, stage.getBatchSize());
        assertEquals(3, stage.getTopK());
        assertEquals(modelFile.toString(), stage.getModel(), "the param still says where the model came from");
        List<Row> after = loaded.transform(fresh.read().parquet(data.toString())).orderBy("id").collectAsList();
        assertEquals(rows.size(), after.size());
        assertEquals(before, after);
        assertTrue(after.stream().anyMatch(r -> "ok".equals(r.getStruct(2).getAs("status"))));
        assertNotNull(after.get(0).getString(1), "a seeded 1000-class model still predicts a label");
        assertFalse(Files.exists(modelFile));
    }

    /**
     * A Hugging Face {@code Image} column (struct<bytes, path>): {@code image.bytes} and the struct
     * itself give the predictions of the same bytes in a binary column; a null struct or null bytes
     * is an EMPTY row.
     */
    @Test
    void readsTheBytesFieldOfAHuggingFaceImageStruct() throws Exception {
        StructType hfImage = new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
        StructType schema = new StructType().add("id", DataTypes.StringType).add("image", hfImage).add("raw", DataTypes.BinaryType);
        List<Row> rows = new ArrayList<>();
        for (Path p : samples()) {
            byte[] b = Files.readAllBytes(p);
            rows.add(RowFactory.create(p.getFileName().toString(), RowFactory.create(b, p.getFileName().toString()), b));
        }
        rows.add(RowFactory.create("null-struct", null, null));
        rows.add(RowFactory.create("null-bytes", RowFactory.create(null, "x.jpg"), null));
        Dataset<Row> input = TestSpark.session().createDataFrame(rows, schema);
        Map<String, Row> fromRaw = byId(new MobileNetV2Classifier().setInputCol("raw").transform(input), 3);
        for (String col : List.of("image.bytes", "image")) {
            Dataset<Row> out = new MobileNetV2Classifier().setInputCol(col).transform(input);
            assertEquals(List.of("id", "image", "raw", "classification"), List.of(out.columns()));
            Map<String, Row> got = byId(out, 3);
            assertEquals(rows.size(), got.size());
            for (Row r : rows) assertEquals(fromRaw.get(r.getString(0)), got.get(r.getString(0)), col + " " + r.getString(0));
            assertEquals("EMPTY", got.get("null-bytes").getAs("error_code"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MobileNetV2Classifier().setInputCol("image.path").transformSchema(schema));
        assertTrue(e.getMessage().contains("not binary"), e.getMessage());
    }

    /** The result struct of each row, by the row's id. */
    private static Map<String, Row> byId(Dataset<Row> out, int resultColumn) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : out.collectAsList()) m.put(r.getString(0), r.getStruct(resultColumn));
        return m;
    }

    @Test
    void refusesWrongColumnsWithReadableMessages() {
        StructType schema = new StructType().add("image", DataTypes.StringType).add("classification", DataTypes.BinaryType);
        MobileNetV2Classifier c = new MobileNetV2Classifier();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.transformSchema(schema));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.setInputCol("classification").transformSchema(schema));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.setInputCol("missing").transformSchema(schema));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.setBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> c.setDecodeMode("fast"));
    }

    @Test
    void anInt8StageCalibratesOnItsInputRowsOnceAndSaysSo() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            for (Path p : s.sorted().toList()) rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), rows.size()));
        }
        rows.add(RowFactory.create("null", null, rows.size()));
        SparkSession spark = TestSpark.session();
        Dataset<Row> input = spark.createDataFrame(rows, BYTES);
        MobileNetV2Classifier fp32 = new MobileNetV2Classifier();
        MobileNetV2Classifier int8 = new MobileNetV2Classifier().setPrecision("int8");
        List<Row> a = fp32.transform(input).collectAsList();
        List<Row> b = int8.transform(input).collectAsList();
        List<Row> again = int8.transform(input).collectAsList();
        String int8Sha = b.get(0).getStruct(3).getAs("model_sha256");
        assertFalse(int8Sha.equals(a.get(0).getStruct(3).getAs("model_sha256")), "int8 rows name the int8 model");
        assertEquals(int8Sha, again.get(0).getStruct(3).<String>getAs("model_sha256"), "built once: the same model again");
        assertEquals("EMPTY", b.get(rows.size() - 1).getStruct(3).getAs("error_code"));
        for (int i = 0; i < rows.size() - 1; i++) {
            Row ra = a.get(i).getStruct(3);
            Row rb = b.get(i).getStruct(3);
            assertEquals("ok", rb.getAs("status"), rows.get(i).getString(0));
            assertEquals(ra.<Float>getAs("probability"), rb.<Float>getAs("probability"), 0.08, rows.get(i).getString(0));
        }
        assertThrows(IllegalArgumentException.class, () -> new MobileNetV2Classifier().setPrecision("int4"));
    }

    private static List<Path> samples() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
