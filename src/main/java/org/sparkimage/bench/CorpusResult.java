package org.sparkimage.bench;

import java.util.List;

/**
 * What the benchmark measured on one corpus. Rates are images per second on all the cores the run
 * was given; {@code h = 1 / (1/c + 1/d)} is the best a pipeline whose two stages share those cores
 * can do, so {@code e / h} says how much of it the Spark job reaches.
 *
 * @param c           inference ceiling: the job's session settings (one shared session, one intra-op
 *                    thread per task, one caller per core) on ready tensors
 * @param cOneSession inference with the alternative: one session with an intra-op thread per core, one caller
 * @param d           decode+preprocess ceiling, the job's decoder ({@code --decode scaled}), one thread per core
 * @param dImageio    the same with javax.imageio at full resolution ({@code --decode imageio})
 * @param e           the Spark job end to end: images / job wall time (listing, tasks, Parquet commit)
 * @param partitions  images/s of each task of the (best) job run, with its executor
 * @param rounds      every round's C, C one-session, D and E; the fields above are the best of each
 */
record CorpusResult(
        String name,
        String dir,
        long images,
        double meanMegapixels,
        double c,
        double cOneSession,
        double d,
        double dImageio,
        double e,
        double jobWallSeconds,
        double[] stageSeconds,
        List<PartitionRate> partitions,
        double[] latenciesMs,
        double[] latenciesImageioMs,
        double[][] rounds) {

    /** One task of the job. */
    record PartitionRate(int partition, String executor, long images, double imagesPerSecond) {}

    static final String[] STAGES = {"read", "decode+preprocess", "inference wait", "write/other"};

    double h() {
        return 1 / (1 / c + 1 / d);
    }

    double eOverH() {
        return e / h();
    }

    double dOverImageio() {
        return d / dImageio;
    }
}
