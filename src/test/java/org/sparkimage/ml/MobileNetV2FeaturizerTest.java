package org.sparkimage.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.SeededWeights;
import org.sparkimage.testing.TestSpark;

/**
 * The featurizer: exactly the classifier's embeddings, unusable images skipped by default or kept
 * with a null vector and their error code, Spark's image struct as input, and a Pipeline with an
 * MLlib estimator that fits, saves with the model bytes inside, loads and predicts the same.
 */
class MobileNetV2FeaturizerTest {
    private static final StructType BYTES = new StructType().add("id", DataTypes.StringType).add("image", DataTypes.BinaryType)
            .add("label", DataTypes.DoubleType);

    @TempDir
    Path tmp;

    /** binaryFile rows of the samples plus a text file: the vectors are the classifier's embedding column, value for value. */
    @Test
    void givesExactlyTheClassifiersEmbeddings() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("files"));
        for (Path p : samples()) Files.copy(p, dir.resolve(p.getFileName()));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        SparkSession spark = TestSpark.session();
        Dataset<Row> files = spark.read().format("binaryFile").load(dir.toString());
        assertEquals(samples().size() + 1, files.count());

        Map<String, Vector> expected = new HashMap<>();
        Dataset<Row> classified = new MobileNetV2Classifier().setInputCol("content").setEmbeddings(true).transform(files);
        for (Row r : classified.collectAsList()) expected.put(r.getAs("path"), r.getAs("embedding"));
        assertEquals(samples().size() + 1, expected.size());

        MobileNetV2Featurizer featurizer = new MobileNetV2Featurizer().setInputCol("content");
        Dataset<Row> out = featurizer.transform(files);
        assertEquals(List.of("path", "modificationTime", "length", "content", "features"), List.of(out.columns()));
        assertEquals(featurizer.transformSchema(files.schema()), out.schema());
        List<Row> rows = out.collectAsList();
        assertEquals(samples().size(), rows.size(), "the text file is skipped by default");
        for (Row r : rows) {
            String path = r.getAs("path");
            Vector v = r.getAs("features");
            assertEquals(1280, v.size(), path);
            assertNotNull(expected.get(path), path);
            assertEquals(expected.get(path), v, path); // Vector.equals compares the values exactly
        }
        // Different images give different vectors (the comparison above is not between constants).
        assertFalse(rows.get(0).<Vector>getAs("features").equals(rows.get(1).<Vector>getAs("features")));

        List<Row> kept = new MobileNetV2Featurizer().setInputCol("content").setBatchSize(2).setHandleInvalid("keep")
                .transform(files).collectAsList();
        assertEquals(expected.size(), kept.size());
        for (Row r : kept) assertEquals(expected.get(r.<String>getAs("path")), r.getAs("features"), r.<String>getAs("path"));
    }

    /** Not an image and no bytes: dropped by default; with keep, a null vector and the product's error code. */
    @Test
    void skipsUnusableImagesByDefaultAndKeepsThemWithTheirErrorCode() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Path p : samples()) rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), 0.0));
        rows.add(RowFactory.create("text", "not an image".getBytes(StandardCharsets.UTF_8), 1.0));
        rows.add(RowFactory.create("null", null, 1.0));
        Dataset<Row> input = TestSpark.session().createDataFrame(rows, BYTES).repartition(2);

        MobileNetV2Featurizer skip = new MobileNetV2Featurizer();
        assertEquals("skip", skip.getHandleInvalid());
        Dataset<Row> skipped = skip.transform(input);
        assertEquals(List.of("id", "image", "label", "features"), List.of(skipped.columns()));
        Map<String, Row> byId = byId(skipped);
        assertEquals(samples().size(), byId.size());
        assertFalse(byId.containsKey("text"));
        assertFalse(byId.containsKey("null"));

        MobileNetV2Featurizer keep = new MobileNetV2Featurizer().setHandleInvalid("keep");
        Dataset<Row> kept = keep.transform(input);
        assertEquals(List.of("id", "image", "label", "features", "embedding_error"), List.of(kept.columns()));
        assertEquals(keep.transformSchema(input.schema()), kept.schema());
        Map<String, Row> all = byId(kept);
        assertEquals(rows.size(), all.size(), "one row per input row");
        assertNull(all.get("text").getAs("features"));
        assertEquals("NOT_AN_IMAGE", all.get("text").getAs("embedding_error"));
        assertNull(all.get("null").getAs("features"));
        assertEquals("EMPTY", all.get("null").getAs("embedding_error"));
        for (String id : byId.keySet()) {
            assertNull(all.get(id).getAs("embedding_error"), id);
            assertEquals(byId.get(id).<Vector>getAs("features"), all.get(id).getAs("features"), id);
        }

        Dataset<Row> named = new MobileNetV2Featurizer().setHandleInvalid("keep").setOutputCol("vec").setErrorCol("why")
                .transform(input);
        assertEquals(List.of("id", "image", "label", "vec", "why"), List.of(named.columns()));
        assertEquals("NOT_AN_IMAGE", byId(named).get("text").getAs("why"));
    }

    /**
     * Featurizer + LogisticRegression on made-up labels, with a model file that is deleted once the
     * pipeline is saved; the loaded PipelineModel gives the same features, probabilities and predictions.
     */
    @Test
    void aPipelineWithLogisticRegressionFitsSavesAndLoadsWithTheModelInside() throws Exception {
        Path modelFile = tmp.resolve("seeded.onnx");
        ModelCard zoo = ModelCard.load(Path.of("conf/models/onnx-zoo-mobilenetv2-12.card.json"));
        ModelCard.Output o = zoo.output();
        ModelCard card = zoo.withOutput(new ModelCard.Output(o.name(), o.kind(), "features", o.labels())); // the writer's pooled output
        Files.write(modelFile, MobileNetV2OnnxWriter.write(MobileNetV2Spec.imagenet(0.35, 224, 1000), new SeededWeights(11),
                card, MobileNetV2OnnxWriter.Options.defaults()));
        List<Row> rows = new ArrayList<>();
        for (Path p : samples()) rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), (double) (rows.size() % 2)));
        rows.add(RowFactory.create("text", "no image here".getBytes(StandardCharsets.UTF_8), 1.0)); // skipped: LR never sees it
        Path data = tmp.resolve("images.parquet");
        SparkSession spark = TestSpark.session();
        spark.createDataFrame(rows, BYTES).coalesce(2).write().parquet(data.toString());

        MobileNetV2Featurizer featurizer = new MobileNetV2Featurizer().setModel(modelFile.toString()).setBatchSize(3);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {featurizer, new LogisticRegression().setMaxIter(50)});
        PipelineModel fitted = pipeline.fit(spark.read().parquet(data.toString()));
        LogisticRegressionModel lr = (LogisticRegressionModel) fitted.stages()[1];
        assertEquals(featurizer.transform(spark.read().parquet(data.toString())).first().<Vector>getAs("features").size(),
                lr.numFeatures());
        List<Row> before = fitted.transform(spark.read().parquet(data.toString()))
                .select("id", "features", "probability", "prediction").orderBy("id").collectAsList();
        assertEquals(samples().size(), before.size());
        Path saved = tmp.resolve("pipeline");
        fitted.write().save(saved.toString());
        Files.delete(modelFile);
        try (Stream<Path> s = Files.walk(saved)) {
            assertTrue(s.anyMatch(p -> p.endsWith(Path.of("model", "model.onnx"))), "the model bytes are saved in the stage");
        }

        PipelineModel loaded = PipelineModel.load(saved.toString());
        MobileNetV2Featurizer stage = (MobileNetV2Featurizer) loaded.stages()[0];
        assertEquals(featurizer.uid(), stage.uid());
        assertEquals(3, stage.getBatchSize());
        assertEquals(modelFile.toString(), stage.getModel(), "the param still says where the model came from");
        assertEquals(featurizer.resolvedModel().sha256(), stage.resolvedModel().sha256());
        List<Row> after = loaded.transform(spark.read().parquet(data.toString()))
                .select("id", "features", "probability", "prediction").orderBy("id").collectAsList();
        assertEquals(before, after);
        assertFalse(Files.exists(modelFile));
    }

    /** Spark's image struct: the classifier's embeddings of the same struct, close to those of the encoded bytes. */
    @Test
    void readsSparksImageStruct() throws Exception {
        // Opaque 8-bit RGB PNGs: Spark's image source and this project decode them to the same pixels.
        Path dir = Files.createDirectories(tmp.resolve("png"));
        for (String name : List.of("astronaut.png", "chelsea.png")) Files.copy(Path.of("samples", name), dir.resolve(name));
        Files.writeString(dir.resolve("broken.png"), "not a png");
        SparkSession spark = TestSpark.session();
        Dataset<Row> images = spark.read().format("image").option("dropInvalid", false).load(dir.toString());

        Map<String, Vector> expected = new HashMap<>();
        for (Row r : new MobileNetV2Classifier().setEmbeddings(true).transform(images).collectAsList()) {
            expected.put(name(r.getStruct(0).getString(0)), r.getAs("embedding"));
        }
        MobileNetV2Featurizer featurizer = new MobileNetV2Featurizer(); // inputCol "image" by default
        Dataset<Row> out = featurizer.transform(images);
        assertEquals(List.of("image", "features"), List.of(out.columns()));
        Map<String, Vector> got = new HashMap<>();
        for (Row r : out.collectAsList()) got.put(name(r.getStruct(0).getString(0)), r.getAs("features"));
        assertEquals(List.of("astronaut.png", "chelsea.png"), got.keySet().stream().sorted().toList(), "broken.png is skipped");
        for (String name : got.keySet()) assertEquals(expected.get(name), got.get(name), name);

        List<Row> bytes = new ArrayList<>();
        for (String name : got.keySet()) bytes.add(RowFactory.create(name, Files.readAllBytes(dir.resolve(name)), 0.0));
        for (Row r : new MobileNetV2Featurizer().transform(spark.createDataFrame(bytes, BYTES)).collectAsList()) {
            double[] a = r.<Vector>getAs("features").toArray();
            double[] b = got.get(r.getString(0)).toArray();
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4, r.getString(0) + " [" + i + "]");
        }

        Map<String, String> errors = new HashMap<>();
        for (Row r : new MobileNetV2Featurizer().setHandleInvalid("keep").transform(images).collectAsList()) {
            errors.put(name(r.getStruct(0).getString(0)), r.getAs("embedding_error"));
        }
        assertEquals(3, errors.size());
        assertEquals("CORRUPT", errors.get("broken.png"));
        assertNull(errors.get("astronaut.png"));
    }

    /** A card without a features output, taken output columns and unknown Param values are refused early. */
    @Test
    void refusesModelsWithoutFeaturesAndTakenColumns() throws Exception {
        ModelCard card = ModelCard.load(Path.of("conf/models/nsfwjs-mobilenetv2.card.json"));
        ModelCard.Output o = card.output();
        Path noFeatures = tmp.resolve("no-features.card.json");
        Files.writeString(noFeatures, card.withOutput(new ModelCard.Output(o.name(), o.kind(), null, o.labels())).toJson());
        StructType schema = BYTES;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MobileNetV2Featurizer().setModelCard(noFeatures.toString()).transformSchema(schema));
        assertTrue(e.getMessage().contains("names no features output"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new MobileNetV2Featurizer().setOutputCol("label").transformSchema(schema));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new MobileNetV2Featurizer().setHandleInvalid("keep").setErrorCol("id").transformSchema(schema));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MobileNetV2Featurizer().setInputCol("id").transformSchema(schema));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
        // skip adds no error column, so a taken errorCol name does not matter then
        assertEquals(List.of("id", "image", "label", "features"), List.of(new MobileNetV2Featurizer().setErrorCol("id")
                .transformSchema(schema).fieldNames()));
        assertThrows(IllegalArgumentException.class, () -> new MobileNetV2Featurizer().setHandleInvalid("error"));
        assertThrows(IllegalArgumentException.class, () -> new MobileNetV2Featurizer().setBatchSize(0));
    }

    private static Map<String, Row> byId(Dataset<Row> out) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : out.collectAsList()) assertNull(m.put(r.getString(0), r), "one row per id");
        return m;
    }

    private static String name(String origin) {
        return origin.substring(origin.lastIndexOf('/') + 1);
    }

    private static List<Path> samples() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
