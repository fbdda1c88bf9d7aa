package org.sparkimage.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.testing.PythonEnv;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The job's output read outside Spark: pyarrow, DuckDB and Polars (from {@link PythonEnv#DATA})
 * read {@code predictions/} and {@code stats/}, and every column of every row equals Spark's own
 * read of it. The timestamps are Parquet {@code TIMESTAMP_MICROS} (INT64), not the deprecated
 * INT96, and the default embedding column is a plain list of floats. Each reader's types are
 * printed.
 */
class OutsideReadersTest {
    @TempDir
    Path tmp;

    @Test
    void pyarrowDuckDbAndPolarsReadEveryColumnAsSparkDoes() throws Exception {
        PythonEnv.DATA.pythonOrSkip();
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (String f : new String[] {"chelsea.png", "coins.png", "rocket.jpg"}) Files.copy(Path.of("samples", f), in.resolve(f));
        Files.writeString(in.resolve("not-an-image.jpg"), "hello"); // an error row: nulls in most columns
        Path out = tmp.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TestSpark.session();
        int exit = ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--input", in.toString(),
                "--output", out.toString(), "--embeddings", "--master", "local[2]", "--progress-seconds", "0");
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));

        Path result = tmp.resolve("readers.json");
        PythonEnv.DATA.run(tmp.resolve("readers.log"), Duration.ofMinutes(3),
                List.of("src/test/python/read_outputs.py", out.toString(), result.toString()));
        JsonNode doc = JsonFiles.parse(Files.readString(result));
        System.out.println("outside readers " + doc.get("versions"));

        JsonNode mtime = doc.path("parquet").path(PredictionSchema.MODIFICATION_TIME);
        assertEquals("INT64", mtime.path("physical").asText(), "modification_time's physical type: " + mtime);
        assertTrue(mtime.path("logical").asText().contains("microseconds"), "modification_time's logical type: " + mtime);

        for (String table : new String[] {"predictions", "stats"}) {
            List<JsonNode> spark = sparkRows(out.resolve(table));
            JsonNode readers = doc.path("tables").path(table);
            assertEquals(List.of("pyarrow", "duckdb", "polars"), iterable(readers.fieldNames()));
            for (Map.Entry<String, JsonNode> reader : (Iterable<Map.Entry<String, JsonNode>>) readers::fields) {
                System.out.println(table + " as " + reader.getKey() + " sees: " + reader.getValue().get("types"));
                List<JsonNode> theirs = new ArrayList<>();
                reader.getValue().get("rows").forEach(theirs::add);
                assertSameRows(spark, theirs, table + " read by " + reader.getKey());
            }
        }
        JsonNode arrow = doc.path("tables").path("predictions").path("pyarrow").path("types");
        assertEquals("timestamp[us, tz=UTC]", arrow.path(PredictionSchema.MODIFICATION_TIME).asText());
        assertTrue(arrow.path(PredictionSchema.EMBEDDING).asText().matches("list<\\w+: float( not null)?>"),
                "embedding as pyarrow sees it: " + arrow.path(PredictionSchema.EMBEDDING));
        assertEquals("FLOAT[]", doc.path("tables").path("predictions").path("duckdb").path("types")
                .path(PredictionSchema.EMBEDDING).asText());
    }

    /** Same rows in any order, every column equal; numbers compared by value (a float as the double it is). */
    private static void assertSameRows(List<JsonNode> expected, List<JsonNode> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": rows");
        Comparator<JsonNode> byText = Comparator.comparing(JsonNode::toString);
        List<JsonNode> e = new ArrayList<>(expected);
        List<JsonNode> a = new ArrayList<>(actual);
        e.sort(Comparator.comparing(OutsideReadersTest::key));
        a.sort(Comparator.comparing(OutsideReadersTest::key));
        Comparator<JsonNode> numbersByValue = (x, y) -> x.isNumber() && y.isNumber()
                ? Double.compare(x.asDouble(), y.asDouble()) : byText.compare(x, y);
        for (int i = 0; i < e.size(); i++) {
            assertTrue(e.get(i).equals(numbersByValue, a.get(i)), what + ":\n spark " + e.get(i) + "\n other " + a.get(i));
        }
        assertNotNull(e.get(0));
    }

    /** Rows are matched by path (predictions) or by partition and attempt (stats). */
    private static String key(JsonNode row) {
        return row.has("path") ? row.get("path").asText() : row.path("partition").asText() + "/" + row.path("attempt").asText();
    }

    private static List<JsonNode> sparkRows(Path table) {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        org.apache.spark.sql.Dataset<Row> d = TestSpark.session().read().parquet(table.toString());
        for (Row r : d.collectAsList()) rows.add(json.valueToTree(plain(r, d.schema())));
        return rows;
    }

    /** A value as the Python side writes it: microseconds for timestamps, maps and structs as objects. */
    private static Object plain(Object v, DataType type) {
        if (v == null) return null;
        if (v instanceof Timestamp t) return t.getTime() / 1000 * 1_000_000 + t.getNanos() / 1000;
        if (v instanceof Float f) return (double) f;
        if (type instanceof StructType s) {
            Row r = (Row) v;
            Map<String, Object> m = new LinkedHashMap<>();
            for (StructField f : s.fields()) m.put(f.name(), plain(r.get(r.fieldIndex(f.name())), f.dataType()));
            return m;
        }
        if (type instanceof ArrayType a) {
            List<Object> l = new ArrayList<>();
            scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) v).forEach(x -> l.add(plain(x, a.elementType())));
            return l;
        }
        if (type instanceof MapType m) {
            Map<Object, Object> out = new TreeMap<>();
            scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Map<?, ?>) v)
                    .forEach((k, x) -> out.put(k, plain(x, m.valueType())));
            return out;
        }
        return v;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
