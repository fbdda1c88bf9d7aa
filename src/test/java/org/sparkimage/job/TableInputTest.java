package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.TestSpark;

/**
 * A Parquet table of encoded images (Hugging Face style) as input: one row per table row, error
 * rows for null, empty and non-image bytes, and the same predictions as for the same images as
 * loose files.
 */
class TableInputTest {
    @TempDir
    Path tmp;

    @Test
    void tableRowsGiveTheSamePredictionsAsTheSameFiles() throws Exception {
        List<Row> rows = new ArrayList<>();
        List<Path> samples;
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            samples = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        for (Path p : samples) rows.add(RowFactory.create(p.getFileName().toString(), Files.readAllBytes(p), 1));
        rows.add(RowFactory.create("null-bytes", null, 2));
        rows.add(RowFactory.create("empty-bytes", new byte[0], 3));
        rows.add(RowFactory.create("text", "not an image".getBytes(StandardCharsets.UTF_8), 4));
        StructType schema = new StructType().add("id", DataTypes.StringType).add("image", DataTypes.BinaryType)
                .add("other", DataTypes.IntegerType);
        Path table = tmp.resolve("table");
        TestSpark.session().createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = ClassifyCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), "--input", table.toString(),
                "--binary-column", "image", "--id-column", "id", "--output", tmp.resolve("out").toString(),
                "--master", "local[2]", "--progress-seconds", "0");
        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));
        Map<String, Row> byId = byName(tmp.resolve("out/predictions"));
        assertEquals(rows.size(), byId.size());
        assertEquals("EMPTY", byId.get("null-bytes").getAs("error_code"));
        assertEquals("EMPTY", byId.get("empty-bytes").getAs("error_code"));
        assertEquals("NOT_AN_IMAGE", byId.get("text").getAs("error_code"));

        JobOptions files = JobOptions.of("samples", tmp.resolve("files").toString());
        ClassificationJob.run(TestSpark.session(), files, new PrintStream(PrintStream.nullOutputStream()));
        Map<String, Row> byFile = byName(tmp.resolve("files/predictions"));
        assertEquals(samples.size(), byFile.size());
        for (Map.Entry<String, Row> e : byFile.entrySet()) {
            Row t = byId.get(e.getKey());
            Row f = e.getValue();
            assertEquals(f.<String>getAs("status"), t.<String>getAs("status"), e.getKey());
            assertEquals(f.<Integer>getAs("width"), t.<Integer>getAs("width"), e.getKey());
            List<Row> kt = t.getList(t.fieldIndex("top_k"));
            List<Row> kf = f.getList(f.fieldIndex("top_k"));
            for (int i = 0; i < kf.size(); i++) {
                assertEquals(kf.get(i).getInt(0), kt.get(i).getInt(0), e.getKey());
                assertEquals(kf.get(i).getFloat(2), kt.get(i).getFloat(2), 1e-6, e.getKey());
            }
        }
    }

    /**
     * A Hugging Face dataset's Parquet: the {@code Image} feature is struct<bytes, path>.
     * {@code --binary-column image.bytes --id-column image.path} (and the struct itself as the
     * column) give the rows of the same bytes in a plain binary column. A cell without bytes is
     * read from its path (relative: against the table's folder; missing here: READ_ERROR), where
     * a plain binary column's null is EMPTY.
     */
    @Test
    void huggingFaceImageStructsAreReadByTheirBytesField() throws Exception {
        StructType hfImage = new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
        StructType schema = new StructType().add("image", hfImage).add("raw", DataTypes.BinaryType).add("label", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            for (Path p : s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().limit(4).toList()) {
                byte[] b = Files.readAllBytes(p);
                rows.add(RowFactory.create(RowFactory.create(b, p.getFileName().toString()), b, 1L));
            }
        }
        rows.add(RowFactory.create(RowFactory.create(null, "missing.jpg"), null, 0L));
        Path table = tmp.resolve("hf.parquet");
        TestSpark.session().createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        assertEquals(0, ClassifyCommand.execute(quiet, "--input", table.toString(), "--binary-column", "raw", "--id-column",
                "image.path", "--output", tmp.resolve("raw").toString(), "--progress-seconds", "0"));
        Map<String, Row> raw = byName(tmp.resolve("raw/predictions"));
        assertEquals(rows.size(), raw.size());
        for (String column : List.of("image.bytes", "image")) {
            Path out = tmp.resolve("out-" + column);
            assertEquals(0, ClassifyCommand.execute(quiet, "--input", table.toString(), "--binary-column", column, "--id-column",
                    "image.path", "--output", out.toString(), "--progress-seconds", "0"));
            Map<String, Row> got = byName(out.resolve("predictions"));
            assertEquals("READ_ERROR", got.remove("missing.jpg").getAs("error_code"), column);
            Map<String, Row> withBytes = new HashMap<>(raw);
            withBytes.remove("missing.jpg");
            assertEquals(withBytes, got, column);
        }
        assertEquals("EMPTY", raw.get("missing.jpg").getAs("error_code"));
        assertEquals("ok", raw.get(rows.get(0).getStruct(0).getString(1)).getAs("status"));
    }

    @Test
    void badTableArgumentsAreExitCodes() throws Exception {
        Path table = tmp.resolve("t");
        TestSpark.session().createDataFrame(List.of(RowFactory.create("a", 1)),
                new StructType().add("id", DataTypes.StringType).add("n", DataTypes.IntegerType)).write().parquet(table.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        assertEquals(JobException.EXIT_INPUT, ClassifyCommand.execute(out, "--input", table.toString(), "--binary-column", "n",
                "--output", tmp.resolve("o1").toString(), "--master", "local[2]"));
        assertEquals(JobException.EXIT_INPUT, ClassifyCommand.execute(out, "--input", table.toString(), "--binary-column", "img",
                "--output", tmp.resolve("o2").toString(), "--master", "local[2]"));
        assertEquals(2, ClassifyCommand.execute(out, "--input", table.toString(), "--id-column", "id",
                "--output", tmp.resolve("o3").toString()));
        assertEquals(2, ClassifyCommand.execute(out, "--input", table.toString(), "--binary-column", "n", "--resume",
                "--output", tmp.resolve("o4").toString()));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("not binary"), log.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, Row> byName(Path predictions) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(predictions.toString()).collectAsList()) {
            String path = r.getAs("path");
            assertEquals(null, m.put(path.substring(path.lastIndexOf('/') + 1), r), "duplicate " + path);
        }
        return m;
    }
}
