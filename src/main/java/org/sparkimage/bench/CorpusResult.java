package org.sparkimage.bench;

import java.util.List;

/**
 * What the benchmark measured on one corpus. Rates are images per second on all the cores the run
 * was given; {@code h = 1 / (1/c + 1/d)} is the best a pipeline whose two stages share those cores
 * can do, so {@code e / h} says how much of it the Spark job reaches.
 *
 * @param precision   the model's arithmetic: fp32 or int8
 * @param c           inference ceiling: the job's session settings (one shared session, one intra-op
 *                    thread per task, one caller per core) on ready tensors
 * @param cOneSession inference with the alternative: one session with an intra-op thread per core, one caller
 * @param d           decode+preprocess ceiling, the job's decoder (bench {@code --decode}, default the product's), one thread per core
 * @param dImageio    the same with javax.imageio at full resolution ({@code --decode imageio})
 * @param e           the Spark job end to end: images / job wall time (listing, tasks, Parquet commit)
 * @param partitions  images/s of each task of the (best) job run, with its executor
 * @param rounds      every round's C, C one-session, D and E; the fields above are the best of each
 * @param executors   where the ceilings were measured on the executors: each one's C, C
 *                    one-session, D and D javax.imageio in the best round of each (C and D above
 *                    are their sums); empty when they were measured in the driver
 */
record CorpusResult(
        String name,
        String precision,
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
        double[][] rounds,
        List<ExecutorFigures> executors) {

    /** One task of the job. */
    record PartitionRate(int partition, String executor, long images, double imagesPerSecond) {}

    /**
     * One executor's ceilings, each its share of the figure's best round (NaN where it did not measure one).
     *
     * @param taskSlots the tasks that measured on it at once: its cores / {@code spark.task.cpus}
     */
    record ExecutorFigures(String id, String host, int taskSlots, double c, double cOneSession, double d, double dImageio) {
        /** 1/(1/C + 1/D) of this executor alone. */
        double h() {
            return 1 / (1 / c + 1 / d);
        }
    }

    /** Images the (best) job's tasks handled on executor {@code id}. */
    long jobImagesOn(String id) {
        return partitions.stream().filter(p -> id.equals(p.executor())).mapToLong(PartitionRate::images).sum();
    }

    static final String[] STAGES = {"read", "decode+preprocess", "inference wait", "write/other"};

    /** The corpus name, with the precision after it unless fp32 (how bench.json and the report key results). */
    String label() {
        return precision.equals("fp32") ? name : name + " " + precision;
    }

    double h() {
        return 1 / (1 / c + 1 / d);
    }

    double eOverH() {
        return e / h();
    }

    /**
     * E / H of each round, with the C, D and E measured in that round: the machine's speed swings
     * between rounds, and the best of each figure can pair a fast C with a slow E.
     */
    double[] eOverHRounds() {
        double[] c = rounds[0];
        double[] d = rounds[2];
        double[] e = rounds[3];
        double[] r = new double[e.length];
        for (int i = 0; i < r.length; i++) r[i] = e[i] * (1 / c[i] + 1 / d[i]);
        return r;
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    double dOverImageio() {
        return d / dImageio;
    }
}
