package org.sparkimage.curate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.review.CurationPage;

/**
 * The review page's queues, read back from the written tables with a cap each
 * ({@link CurateOptions#reviewLimit()}): the top label issues by rank, the first duplicate groups,
 * and the least sure images by each of the three measures (their union, so that the page can
 * re-sort by any of them). The page is made in a local temporary folder (thumbnails are local
 * files) and copied into the output's file system.
 */
final class ReviewQueues {
    private ReviewQueues() {}

    static void writePage(SparkSession spark, FileSystem fs, Path staging, CurateOptions o, List<String> classes,
                          Map<String, Object> summary) throws IOException {
        int limit = o.reviewLimit();
        Dataset<Row> scored = spark.read().parquet(new Path(staging, Curation.OUT_OF_SAMPLE).toString());
        List<CurationPage.Issue> issues = new ArrayList<>();
        for (Row r : spark.read().parquet(new Path(staging, Curation.LABEL_ISSUES).toString()).orderBy(LabelIssues.RANK).limit(limit)
                .select("path", LabelIssues.SUGGESTED, LabelIssues.SUGGESTED_PROBABILITY, LabelIssues.RANK, LabelIssues.REASON)
                .collectAsList()) {
            issues.add(new CurationPage.Issue(r.getString(0), r.getString(1), r.getDouble(2), r.getLong(3), r.getString(4)));
        }
        List<CurationPage.Member> members = new ArrayList<>();
        Path dupTable = new Path(staging, Curation.DUPLICATES);
        if (fs.exists(dupTable)) {
            for (Row r : spark.read().parquet(dupTable.toString()).filter(functions.col(Duplicates.GROUP).leq(limit))
                    .orderBy(Duplicates.GROUP, Duplicates.PATH)
                    .select(Duplicates.GROUP, Duplicates.PATH, Duplicates.SIMILARITY, Duplicates.EXACT).collectAsList()) {
                members.add(new CurationPage.Member(r.getLong(0), r.getString(1), r.getDouble(2), r.getBoolean(3)));
            }
        }
        Dataset<Row> uncertain = least(scored, functions.col(Uncertainty.MARGIN).asc(), limit)
                .union(least(scored, functions.col(Uncertainty.LEAST_CONFIDENCE).desc(), limit))
                .union(least(scored, functions.col(Uncertainty.ENTROPY).desc(), limit)).distinct();
        List<String> uncertainPaths = uncertain.orderBy("path").as(Encoders.STRING()).collectAsList();
        Dataset<Row> wanted = uncertain.union(spark.createDataset(issues.stream().map(CurationPage.Issue::path).toList(),
                        Encoders.STRING()).toDF("path"))
                .union(spark.createDataset(members.stream().map(CurationPage.Member::path).toList(),
                        Encoders.STRING()).toDF("path")).distinct();
        List<CurationPage.Item> items = new ArrayList<>();
        // Duplicate members without a label (outside a class folder) have no out-of-sample row: they get an item without one.
        for (Row r : wanted.withColumnRenamed("path", "_wanted").join(scored, functions.col("_wanted").equalTo(scored.col("path")), "left")
                .select(functions.col("_wanted"), functions.col(LabelIssues.GIVEN), functions.col(LabelIssues.PREDICTED),
                        functions.col(LabelIssues.PREDICTED_PROBABILITY), functions.col(Uncertainty.LEAST_CONFIDENCE),
                        functions.col(Uncertainty.MARGIN), functions.col(Uncertainty.ENTROPY)).orderBy("_wanted").collectAsList()) {
            items.add(new CurationPage.Item(r.getString(0), r.getString(1), r.getString(2), r.isNullAt(3) ? Double.NaN : r.getDouble(3),
                    r.isNullAt(4) ? Double.NaN : r.getDouble(4), r.isNullAt(5) ? Double.NaN : r.getDouble(5),
                    r.isNullAt(6) ? Double.NaN : r.getDouble(6)));
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        Map<?, ?> data = (Map<?, ?>) summary.get("data");
        counts.put("images", data.get("images"));
        counts.put("decode_errors", data.get("decode_errors"));
        counts.put("classes", classes.size());
        counts.put("label_issues", ((Map<?, ?>) summary.get("label_issues")).get("issues"));
        if (summary.get("duplicates") instanceof Map<?, ?> d) {
            counts.put("duplicate_groups", d.get("groups"));
            counts.put("images_in_groups", d.get("images_in_groups"));
        }
        counts.put("shown_per_queue", limit);
        java.nio.file.Path local = java.nio.file.Files.createTempDirectory("curation-review");
        try {
            CurationPage.write(local, new CurationPage.Content(o.input() != null ? o.input() : o.labels(), classes, counts, items, issues,
                    members, uncertainPaths), spark.sparkContext().hadoopConfiguration(), o.thumbSize(), o.embedding().maxImageBytes());
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path(staging, Curation.REVIEW));
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(local.toFile());
        }
    }

    private static Dataset<Row> least(Dataset<Row> scored, Column order, int limit) {
        return scored.orderBy(order, functions.col("path")).limit(limit).select("path");
    }
}
