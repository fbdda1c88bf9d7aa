package org.sparkimage.job;

import java.io.IOException;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.input.ListedFile;
import org.sparkimage.output.PredictionStore;

/**
 * What a resumed run finds when it holds the current listing against the committed predictions:
 * files with a committed row of the same size and modification time are done, the rest are to
 * label, and rows whose file changed or vanished ("stale") are dropped so that the table plus the
 * rest has one row per listed file. The job is where listing and table meet, so this lives here
 * rather than in either.
 *
 * @param todo  files still to label
 * @param kept  committed rows kept
 * @param stale stale rows dropped
 */
record ResumePlan(List<ListedFile> todo, long kept, long stale) {

    /** A run that resumes nothing: every listed file is to label. */
    static ResumePlan fresh(List<ListedFile> listed) {
        return new ResumePlan(listed, 0, 0);
    }

    /**
     * Compares {@code store}'s committed rows with {@code listed}; stale rows are removed from the
     * table before this returns.
     *
     * <p>A tar member's row ({@code <shard>.tar/<member>}, the shard's modification time) belongs
     * to its shard's listing row: a shard's members are committed together, in one task of one
     * chunk, so one matching member row means the whole shard is done.
     */
    static ResumePlan of(SparkSession spark, PredictionStore store, List<ListedFile> listed) throws IOException {
        Dataset<Row> listing = spark.createDataFrame(listed.stream().map(ListedFile::toRow).toList(), ListedFile.SCHEMA);
        Column path = functions.col(PredictionSchema.PATH);
        Dataset<Row> committed = store.committed().withColumn(SOURCE, ListedFile.sourceOf(path));
        Column member = committed.col(SOURCE).notEqual(committed.col(PredictionSchema.PATH));
        Column sameFile = committed.col(SOURCE).equalTo(listing.col(ListedFile.PATH))
                .and(committed.col(PredictionSchema.MODIFICATION_TIME).equalTo(listing.col(ListedFile.MODIFICATION_TIME)))
                .and(member.or(committed.col(PredictionSchema.FILE_SIZE).equalTo(listing.col(ListedFile.LENGTH))));
        List<ListedFile> todo = listing.join(committed, sameFile, "left_anti").collectAsList().stream().map(ListedFile::of).toList();
        Dataset<Row> kept = committed.join(listing, sameFile, "left_semi").drop(SOURCE);
        long keptRows = kept.count();
        long stale = committed.count() - keptRows;
        if (stale > 0) store.removeStale(kept, committed.join(listing, sameFile, "left_anti").drop(SOURCE));
        return new ResumePlan(todo, keptRows, stale);
    }

    /** The listed file a committed row came from: itself, or the tar shard of a member. */
    private static final String SOURCE = "_source_path";
}
