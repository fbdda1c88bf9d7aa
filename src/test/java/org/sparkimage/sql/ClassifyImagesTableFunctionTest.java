package org.sparkimage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.testing.ReferenceData;

/**
 * {@code classify_images(TABLE(...), column [, options])}, the batched path from SQL, in a real
 * SparkSession built with the extension: the same struct as the per-row {@code classify_image} for
 * every reference photo and hostile file, one row per input row with the table's columns kept, a
 * null as {@code EMPTY}, the batch-only options, and argument errors that fail the query first.
 */
class ClassifyImagesTableFunctionTest extends ImageFolderSqlTest {
    @Test
    void givesThePerRowFunctionsStructInBatches() {
        Map<String, Row> perRow = new HashMap<>();
        for (Row r : spark.sql("SELECT path, classify_image(content) AS c FROM " + table()).collectAsList()) {
            perRow.put(r.getString(0), r.getStruct(1));
        }
        var result = spark.sql("SELECT * FROM classify_images(TABLE(SELECT path, length, content FROM " + table() + "),"
                + " 'content', map('batch_size', '4'))");
        assertEquals(List.of("path", "length", "content", "classification"), List.of(result.columns()), "the table's columns, then the struct");
        assertEquals(PredictionSchema.RESULT, result.schema().apply("classification").dataType());
        Map<String, Row> batched = new HashMap<>();
        for (Row r : result.select("path", "classification").collectAsList()) {
            assertEquals(null, batched.put(r.getString(0), r.getStruct(1)), "one row per input row");
        }
        assertEquals(perRow.keySet(), batched.keySet());
        for (String f : perRow.keySet()) {
            Row s = perRow.get(f);
            Row b = batched.get(f);
            for (String field : List.of("status", "error_code", "width", "height", "label", "label_index", "model_sha256")) {
                assertEquals(s.<Object>getAs(field), b.<Object>getAs(field), f + " " + field);
            }
            if ("ok".equals(s.getAs("status"))) assertEquals(s.<Float>getAs("probability"), b.<Float>getAs("probability"), 1e-5f, f);
        }
        for (ReferenceData.Expected e : ReferenceData.nsfwExpected()) {
            assertEquals(e.top1(), batched.get("file:" + images.resolve(e.fileName())).<Integer>getAs("label_index"), e.fileName());
        }
        Row notes = batched.get("file:" + images.resolve("notes.jpg"));
        assertEquals("NOT_AN_IMAGE", notes.getAs("error_code"));
    }

    @Test
    void groupsAndCountsEveryRowOnceAndANullIsEmpty() {
        long counted = 0;
        for (Row r : spark.sql("SELECT classification.label, count(*) FROM classify_images(TABLE(" + table() + "), 'content')"
                + " GROUP BY 1").collectAsList()) {
            counted += r.getLong(1);
        }
        assertEquals(files, counted);
        spark.sql("SELECT 'none' AS path, CAST(NULL AS BINARY) AS content").createOrReplaceTempView("tvf_nulls");
        Row empty = spark.sql("SELECT classification FROM classify_images(TABLE(tvf_nulls), 'content')").first().getStruct(0);
        assertEquals("error", empty.getAs("status"));
        assertEquals("EMPTY", empty.getAs("error_code"));
    }

    @Test
    void takesTheBatchOnlyOptions() {
        List<Row> rows = spark.sql("SELECT classification, embedding FROM classify_images(TABLE(" + table() + "), 'content',"
                + " 'top_k=2,embeddings=true,batch_size=3') WHERE classification.status = 'ok'").collectAsList();
        assertEquals(files - 2, rows.size());
        for (Row r : rows) {
            Row c = r.getStruct(0);
            assertEquals(2, c.getList(c.fieldIndex("top_k")).size());
            assertTrue(((Vector) r.get(1)).size() > 0, "pooled features");
        }
    }

    @Test
    void badArgumentsFailTheQueryBeforeAnyImage() {
        assertFails("SELECT * FROM classify_images(TABLE(" + table() + "), 'content', map('topk', '3'))", "unknown option 'topk'");
        assertFails("SELECT * FROM classify_images(TABLE(" + table() + "), 'content', 'batch_size=0')", "--batch-size must be");
        assertFails("SELECT * FROM classify_images(TABLE(" + table() + "), 'pixels')", "pixels");
        assertFails("SELECT * FROM classify_images('" + images + "', 'content')", "must be TABLE(");
        assertFails("SELECT classify_image(content, 'batch_size=8') FROM " + table(), "the table function classify_images takes it");
    }

    private static void assertFails(String sql, String message) {
        Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect(), sql);
        StringBuilder b = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) b.append(c.getMessage()).append(" | ");
        assertTrue(b.toString().contains(message), sql + " -> " + b);
    }
}
