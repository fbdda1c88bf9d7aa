package org.sparkimage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.ml.MobileNetV2Classifier;
import org.sparkimage.testing.ReferenceData;

/**
 * {@code classify_image} in a real SparkSession built with the extension: the README's queries over
 * {@code binaryFile} of the reference photos plus hostile files, the same labels and struct as the
 * ML transformer (itself tested equal to the CLI job), error structs for bad bytes and a null, and
 * options resolved with the CLI's names.
 */
class ClassifyImageSqlTest extends ImageFolderSqlTest {
    @Test
    void givesTheTransformersStructForEveryFile() {
        Map<String, Row> sql = new HashMap<>();
        for (Row r : spark.sql("SELECT path, classify_image(content) AS c FROM " + table()).collectAsList()) {
            sql.put(name(r.getString(0)), r.getStruct(1));
        }
        Map<String, Row> ml = new HashMap<>();
        var listed = spark.read().format("binaryFile").load(images.toString());
        for (Row r : new MobileNetV2Classifier().setInputCol("content").transform(listed).select("path", "classification").collectAsList()) {
            ml.put(name(r.getString(0)), r.getStruct(1));
        }
        assertEquals(files, sql.size(), "one row per file");
        assertEquals(ml.keySet(), sql.keySet());
        assertEquals(PredictionSchema.RESULT, spark.sql("SELECT classify_image(content) FROM " + table()).schema().fields()[0].dataType());
        for (String f : sql.keySet()) {
            Row s = sql.get(f);
            Row t = ml.get(f);
            for (String field : List.of("status", "error_code", "width", "height", "label", "label_index", "model_sha256")) {
                assertEquals(t.<Object>getAs(field), s.<Object>getAs(field), f + " " + field);
            }
            if ("ok".equals(s.getAs("status"))) {
                // batch of one vs the transformer's batches: the same arithmetic per image, up to float rounding
                assertEquals(t.<Float>getAs("probability"), s.<Float>getAs("probability"), 1e-5f, f);
                assertEquals(5, s.getList(s.fieldIndex("top_k")).size(), f);
            }
        }
        assertEquals("NOT_AN_IMAGE", sql.get("notes.jpg").getAs("error_code"));
        assertEquals("error", sql.get("truncated.jpg").getAs("status"));
        assertNotNull(sql.get("truncated.jpg").getAs("error_message"));
        // the reference runtime's labels on the shipped photographs
        for (ReferenceData.Expected e : ReferenceData.nsfwExpected()) {
            Row s = sql.get(e.fileName());
            assertEquals(e.top1(), s.<Integer>getAs("label_index"), e.fileName());
        }
    }

    @Test
    void theReadmeQueriesRun() {
        List<Row> labels = spark.sql("SELECT path, classify_image(content).label FROM " + table()).collectAsList();
        assertEquals(files, labels.size());
        long counted = 0;
        for (Row r : spark.sql("SELECT classify_image(content).label AS label, count(*) AS n FROM " + table() + " GROUP BY 1")
                .collectAsList()) {
            counted += r.getLong(1);
        }
        assertEquals(files, counted, "every file counted once, errors under a null label");
        spark.sql("CREATE TABLE sql_test_predictions USING parquet LOCATION '" + tmp.resolve("ctas") + "' AS"
                + " SELECT path, classify_image(content, map('top_k', '2')) AS c FROM " + table());
        try {
            List<Row> saved = spark.read().parquet(tmp.resolve("ctas").toString()).collectAsList();
            assertEquals(files, saved.size());
            for (Row r : saved) {
                Row c = r.getStruct(1);
                if ("ok".equals(c.getAs("status"))) assertEquals(2, c.getList(c.fieldIndex("top_k")).size());
            }
        } finally {
            spark.sql("DROP TABLE IF EXISTS sql_test_predictions");
        }
    }

    @Test
    void aNullIsAnEmptyErrorAndBadOptionsFailTheQueryBeforeAnyImage() {
        Row r = spark.sql("SELECT classify_image(CAST(NULL AS BINARY)) AS c").first().getStruct(0);
        assertEquals("error", r.getAs("status"));
        assertEquals("EMPTY", r.getAs("error_code"));
        Row text = spark.sql("SELECT classify_image(CAST('hello' AS BINARY), 'top_k=1') AS c").first().getStruct(0);
        assertEquals("NOT_AN_IMAGE", text.getAs("error_code"));
        Exception bad = assertThrows(Exception.class,
                () -> spark.sql("SELECT classify_image(content, map('topk', '3')) FROM " + table()).collect());
        assertTrue(messages(bad).contains("unknown option 'topk'"), messages(bad));
        Exception int8 = assertThrows(Exception.class,
                () -> spark.sql("SELECT classify_image(content, 'precision=int8') FROM " + table()).collect());
        assertTrue(messages(int8).contains("not available from SQL"), messages(int8));
        Exception typed = assertThrows(Exception.class,
                () -> spark.sql("SELECT classify_image(content, map('top_k', 3)) FROM " + table()).collect());
        assertTrue(messages(typed).contains("map<string,string>"), messages(typed));
    }

    @Test
    void optionsUseTheCliNamesAndDefaults() {
        ClassifyImageOptions o = ClassifyImageOptions.parse("--top-k=3, decode=scaled, max_megapixels=2");
        assertEquals(3, o.settings().topK());
        assertEquals("scaled", o.settings().decodeMode().toString());
        assertEquals(2_000_000L, o.settings().decodeLimits().maxPixels());
        assertEquals(ClassifyImageOptions.DEFAULTS, ClassifyImageOptions.parse(""));
        assertEquals(org.sparkimage.core.ClassifierSettings.DEFAULT_TOP_K, ClassifyImageOptions.DEFAULTS.settings().topK());
        assertThrows(IllegalArgumentException.class, () -> ClassifyImageOptions.parse("top_k=x"));
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c.getMessage()).append(" | ");
        return b.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
