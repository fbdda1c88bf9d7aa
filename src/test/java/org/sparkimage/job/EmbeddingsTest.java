package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.setup.JobException;
import org.sparkimage.testing.ReferenceData.Expected;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

/**
 * {@code --embeddings}: the pooled 1280-d features, as {@code array<float>} by default or a Spark ML
 * Vector ({@code --embedding-format vector}). For opaque PNGs the
 * job's input tensors equal the reference runtime's bit for bit, so the embeddings must equal the
 * reference folder's saved features.
 */
class EmbeddingsTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    @Test
    void embeddingsMatchTheReferenceFeatures() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Map<String, Expected> expected = new HashMap<>();
        for (Expected e : ReferenceData.nsfwExpected()) {
            if (!e.format().equals("PNG") || e.hasTransparency() || e.featuresFile() == null) continue;
            Files.copy(ReferenceData.nsfwDir().resolve(e.file()), in.resolve(e.fileName()));
            expected.put(e.fileName(), e);
        }
        Files.writeString(in.resolve("not-an-image.jpg"), "hello");
        assertTrue(expected.size() >= 10, "opaque PNGs with features: " + expected.size());

        TestSpark.session();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--input", in.toString(),
                "--output", tmp.resolve("out").toString(), "--embeddings", "--master", "local[2]", "--progress-seconds", "0");
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));

        Path out = tmp.resolve("out");
        DataType stored = TestSpark.session().read().parquet(out.resolve("predictions").toString()).schema()
                .apply(PredictionSchema.EMBEDDING).dataType();
        assertTrue(stored instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType), "array<float> by default: " + stored);
        Map<String, float[]> arrays = embeddings(out);
        int compared = 0;
        double worst = 0;
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            String name = e.getKey();
            float[] v = e.getValue();
            if (name.equals("not-an-image.jpg")) {
                assertNull(v, "error rows have no embedding");
                continue;
            }
            float[] ref = ReferenceData.readFloats(ReferenceData.nsfwDir().resolve(expected.get(name).featuresFile()));
            assertEquals(1280, v.length, name);
            assertEquals(ref.length, v.length, name);
            for (int k = 0; k < ref.length; k++) {
                worst = Math.max(worst, Math.abs(v[k] - ref[k]));
                assertEquals(ref[k], v[k], TOLERANCE, name + " feature " + k);
            }
            compared++;
        }
        assertEquals(expected.size(), compared);
        System.out.printf("embeddings: %d images, max |f - f_ref| = %.2e%n", compared, worst);

        // --embedding-format vector: Spark ML's Vector with the same values.
        Path vectors = tmp.resolve("out-vector");
        assertEquals(0, classify(in, vectors, "--embedding-format", "vector"));
        assertTrue(TestSpark.session().read().parquet(vectors.resolve("predictions").toString()).schema()
                .apply(PredictionSchema.EMBEDDING).dataType() instanceof VectorUDT);
        Map<String, float[]> fromVectors = embeddings(vectors);
        assertEquals(arrays.keySet(), fromVectors.keySet());
        for (String name : arrays.keySet()) assertArrayEquals(arrays.get(name), fromVectors.get(name), name);

        // --resume keeps the committed table's type unless asked otherwise; asking for the other is refused.
        Files.copy(Path.of("samples/coins.png"), in.resolve("added.png"));
        assertEquals(0, classify(in, vectors, "--resume"));
        assertTrue(TestSpark.session().read().parquet(vectors.resolve("predictions").toString()).schema()
                .apply(PredictionSchema.EMBEDDING).dataType() instanceof VectorUDT, "a Vector table stays one");
        assertEquals(arrays.size() + 1, embeddings(vectors).size());
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        int exit2 = ClassifyCommand.execute(new PrintStream(refused, true, StandardCharsets.UTF_8), "--input", in.toString(),
                "--output", out.toString(), "--embeddings", "--resume", "--embedding-format", "vector", "--master", "local[2]",
                "--progress-seconds", "0");
        assertEquals(JobException.EXIT_USAGE, exit2, refused.toString(StandardCharsets.UTF_8));
        assertTrue(refused.toString(StandardCharsets.UTF_8).contains("stores embeddings as array"), refused.toString(StandardCharsets.UTF_8));
    }

    private static int classify(Path in, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("--input", in.toString(), "--output", out.toString(), "--embeddings",
                "--master", "local[2]", "--progress-seconds", "0"));
        args.addAll(List.of(more));
        return ClassifyCommand.execute(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    }

    /** File name to embedding (null on an error row), whichever type the table stores. */
    private static Map<String, float[]> embeddings(Path out) {
        Map<String, float[]> m = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(out.resolve("predictions").toString()).collectAsList()) {
            String path = r.getAs("path");
            Object e = r.get(r.fieldIndex(PredictionSchema.EMBEDDING));
            float[] f = null;
            if (e instanceof Vector v) {
                f = new float[v.size()];
                for (int k = 0; k < f.length; k++) f[k] = (float) v.apply(k);
            } else if (e != null) {
                scala.collection.Seq<?> seq = (scala.collection.Seq<?>) e;
                f = new float[seq.size()];
                for (int k = 0; k < f.length; k++) f[k] = (Float) seq.apply(k);
            }
            m.put(path.substring(path.lastIndexOf('/') + 1), f);
        }
        return m;
    }

    @Test
    void aModelWithoutFeaturesRefusesEmbeddings() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TestSpark.session();
        int exit = ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--input", "samples",
                "--output", tmp.resolve("out2").toString(), "--embeddings", "--model-card",
                "conf/models/onnx-zoo-mobilenetv2-12.card.json", "--master", "local[2]");
        assertEquals(JobException.EXIT_MODEL, exit, log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("features"));
    }
}
