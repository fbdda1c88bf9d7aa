package org.sparkimage.curate;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.util.JsonFiles;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;

/**
 * Writes a curation pass's results: the Parquet tables, the CSV and Label Studio exports, the
 * summary and the review page, all into {@code <output>/_staging} first and then moved into place
 * one by one, so that a pass that fails leaves no table half-written (and an earlier output was
 * already cleared before any image was read).
 */
final class CurationOutput {
    private CurationOutput() {}

    static void write(SparkSession spark, FileSystem fs, Path out, CurateOptions o, List<String> classes, Dataset<Row> outOfSample,
                      LabelIssues.Found issues, Duplicates.Found dups, Map<String, Object> summary,
                      PrintStream console) throws IOException {
        Path staging = new Path(out, "_staging");
        if (fs.exists(staging)) fs.delete(staging, true);
        fs.mkdirs(staging);
        List<String> names = new ArrayList<>();
        outOfSample.write().parquet(new Path(staging, Curation.OUT_OF_SAMPLE).toString());
        names.add(Curation.OUT_OF_SAMPLE);
        issues.issues().coalesce(1).write().parquet(new Path(staging, Curation.LABEL_ISSUES).toString());
        names.add(Curation.LABEL_ISSUES);
        if (dups != null) {
            dups.groups().orderBy(Duplicates.GROUP, Duplicates.PATH).write().parquet(new Path(staging, Curation.DUPLICATES).toString());
            names.add(Curation.DUPLICATES);
        }
        Dataset<Row> predictions = spark.read().parquet(new Path(staging, Curation.OUT_OF_SAMPLE).toString())
                .select(functions.col("path"), functions.col(LabelIssues.PREDICTED), functions.col(LabelIssues.PREDICTED_PROBABILITY),
                        functions.col(LabelIssues.GIVEN))
                .orderBy("path");
        writeCsv(fs, new Path(staging, Curation.PREDICTIONS_CSV), predictions.toLocalIterator());
        names.add(Curation.PREDICTIONS_CSV);
        String modelVersion = "cross-fit " + o.model() + " regParam " + ((Map<?, ?>) summary.get("cross_fit")).get("reg_param");
        try (OutputStream s = fs.create(new Path(staging, Curation.LABEL_STUDIO), true)) {
            LabelStudioTasks.write(predictions.toLocalIterator(), List.of(LabelIssues.GIVEN), LabelStudioTasks.imageUrls(imageRoot(fs, o),
                    o.imageUrlPrefix()), modelVersion, s);
        }
        names.add(Curation.LABEL_STUDIO);
        try (OutputStream s = fs.create(new Path(staging, Curation.LABEL_STUDIO_CONFIG), true);
             Writer w = new OutputStreamWriter(s, StandardCharsets.UTF_8)) {
            LabelStudioTasks.labelingConfig(classes, w);
        }
        names.add(Curation.LABEL_STUDIO_CONFIG);
        ReviewQueues.writePage(spark, fs, staging, o, classes, summary);
        names.add(Curation.REVIEW);
        try (OutputStream s = fs.create(new Path(staging, Curation.SUMMARY), true)) {
            s.write(JsonFiles.writePretty(summary).getBytes(StandardCharsets.UTF_8));
        }
        names.add(Curation.SUMMARY);
        for (String name : names) {
            if (!fs.rename(new Path(staging, name), new Path(out, name))) throw new IOException("could not move " + name + " into " + out);
        }
        fs.delete(staging, true);
        console.println("wrote " + String.join(", ", names) + " in " + out);
    }

    /** What a Label Studio URL prefix stands for: the one given, else the input folder, else the label table's folder. */
    private static String imageRoot(FileSystem fs, CurateOptions o) {
        if (o.imageRoot() != null) return fs.makeQualified(new Path(o.imageRoot())).toString();
        if (o.input() != null) return fs.makeQualified(new Path(o.input())).toString();
        return fs.makeQualified(new Path(o.labels())).getParent().toString();
    }

    /** path, label, probability, given_label (RFC 4180, a header row), by path. */
    private static void writeCsv(FileSystem fs, Path file, Iterator<Row> rows) throws IOException {
        try (OutputStream s = fs.create(file, true); Writer w = new OutputStreamWriter(s, StandardCharsets.UTF_8)) {
            CsvWriterSettings settings = new CsvWriterSettings();
            settings.setQuoteEscapingEnabled(true);
            CsvWriter csv = new CsvWriter(w, settings);
            csv.writeHeaders("path", "label", "probability", "given_label");
            while (rows.hasNext()) {
                Row r = rows.next();
                csv.writeRow(r.getString(0), r.getString(1), Double.toString(r.getDouble(2)), r.getString(3));
            }
            csv.flush();
        }
    }
}
