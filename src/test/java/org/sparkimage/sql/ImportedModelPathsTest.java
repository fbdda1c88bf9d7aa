package org.sparkimage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkimage.cli.ImportPyTorchCommand;
import org.sparkimage.ml.MobileNetV2Classifier;
import org.sparkimage.model.ChannelRule;
import org.sparkimage.model.Head;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.Padding;
import org.sparkimage.model.torch.MobileNetV2StateDict;
import org.sparkimage.model.torch.PyTorchLayout;
import org.sparkimage.testing.ReferenceData;

/**
 * A model imported from a PyTorch state_dict (the seed design's layout, width 0.5, odd channel
 * counts) on the paths users run it on: {@code classify_image} in SQL and the ML transformer give
 * the same struct for every file, and the transformer runs it in int8 with embeddings.
 */
class ImportedModelPathsTest extends ImageFolderSqlTest {
    private static final List<String> LABELS = List.of("apple", "pear", "plum");
    static Path model;

    @BeforeAll
    static void importCheckpoint() throws Exception {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.5, 160, Head.classifier(3), Padding.SYMMETRIC, ChannelRule.SEED);
        Path pt = tmp.resolve("seed-0.5.pt");
        Files.write(pt, new MobileNetV2StateDict(spec, PyTorchLayout.SEED, 9).bytes());
        model = tmp.resolve("imported.onnx");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int rc = ImportPyTorchCommand.execute(new PrintStream(console, true, StandardCharsets.UTF_8), pt.toString(),
                "--output", model.toString(), "--resolution", "160", "--classes", String.join(",", LABELS));
        assertEquals(0, rc, console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sqlAndTheTransformerGiveTheSameStructForEveryFile() {
        Map<String, Row> sql = new HashMap<>();
        for (Row r : spark.sql("SELECT path, classify_image(content, map('model', '" + model + "')) AS c FROM " + table())
                .collectAsList()) {
            sql.put(r.getString(0), r.getStruct(1));
        }
        Map<String, Row> ml = new HashMap<>();
        var listed = spark.read().format("binaryFile").load(images.toString());
        for (Row r : new MobileNetV2Classifier().setModel(model.toString()).setInputCol("content").transform(listed)
                .select("path", "classification").collectAsList()) {
            ml.put(r.getString(0), r.getStruct(1));
        }
        assertEquals(files, sql.size(), "one row per file");
        assertEquals(ml, sql);
        long ok = sql.values().stream().filter(r -> "ok".equals(r.getAs("status"))).count();
        assertEquals(files - 2, ok, "every photograph classified, the text file and the truncated JPEG as errors");
        for (Row r : sql.values()) {
            if ("ok".equals(r.getAs("status"))) assertTrue(LABELS.contains((String) r.getAs("label")), r.toString());
        }
    }

    @Test
    void theTransformerRunsItInInt8WithEmbeddings() {
        var listed = spark.read().format("binaryFile").load(images.toString());
        List<Row> rows = new MobileNetV2Classifier().setModel(model.toString()).setInputCol("content").setPrecision("int8")
                .setCalibration(ReferenceData.nsfwDir().resolve("images").toString()).setEmbeddings(true).transform(listed)
                .select("classification", "embedding").collectAsList();
        assertEquals(files, rows.size());
        Set<String> modelShas = new java.util.HashSet<>();
        for (Row r : rows) {
            Row c = r.getStruct(0);
            if (!"ok".equals(c.getAs("status"))) continue;
            assertTrue(LABELS.contains((String) c.getAs("label")), c.toString());
            assertEquals(1280, ((Vector) r.get(1)).size(), "pooled features of the imported backbone");
            modelShas.add(c.getAs("model_sha256"));
        }
        assertEquals(1, modelShas.size(), "one int8 model for every row");
    }
}
