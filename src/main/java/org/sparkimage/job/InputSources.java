package org.sparkimage.job;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.io.TarShards;

/**
 * The input of one run, opened: its sources in the order they are classified, and what resume
 * kept. A listing gives loose files and tar shards (each source only when it has rows, and at least
 * one source so that an empty input still writes its empty table); a table gives itself.
 *
 * @param sources what to classify
 * @param plan    rows kept from earlier runs and stale rows dropped (both 0 unless resuming)
 */
record InputSources(List<InputSource> sources, PredictionStore.Plan plan) {

    /**
     * Lists or opens the input of {@code o}.
     *
     * @param resuming keep the files that have a committed row in {@code store}
     * @param console  where listing progress goes
     * @throws JobException (exit 3) for a table that cannot be read
     */
    static InputSources open(SparkSession spark, JobOptions o, Configuration hadoop, PredictionStore store, boolean resuming,
                             PrintStream console) throws JobException, IOException {
        boolean embeddings = o.classifier().embeddings();
        if (o.table() != null) {
            return new InputSources(List.of(TableSource.open(spark, o.input(), o.table(), embeddings)),
                    new PredictionStore.Plan(List.of(), 0, 0));
        }
        List<ListedFile> listed = o.inputIsList() ? InputManifest.read(spark, o.input(), hadoop)
                : FileLister.list(o.input(), hadoop, console, o.run().progressSeconds());
        PredictionStore.Plan plan = resuming ? store.plan(listed) : new PredictionStore.Plan(listed, 0, 0);
        List<ListedFile> loose = new ArrayList<>();
        List<ListedFile> shards = new ArrayList<>();
        for (ListedFile f : plan.todo()) (TarShards.isShard(f.path()) ? shards : loose).add(f);
        List<InputSource> sources = new ArrayList<>();
        if (!loose.isEmpty() || shards.isEmpty()) sources.add(new LooseFiles(loose, embeddings, o.run().readAhead()));
        if (!shards.isEmpty()) sources.add(new TarShardFiles(shards, embeddings));
        return new InputSources(List.copyOf(sources), plan);
    }

    /** Output rows expected in all, or -1 when only reading tells (tar shards). */
    long expectedImages() {
        long n = 0;
        for (InputSource s : sources) {
            if (s.expectedImages() < 0) return -1;
            n += s.expectedImages();
        }
        return n;
    }
}
