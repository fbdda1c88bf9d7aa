package org.sparkimage.bench;

import java.util.List;

/**
 * Where C and D of one corpus are measured: in the driver JVM with all its cores
 * ({@link DriverCeilings}, what {@code local[*]} runs use), or inside Spark tasks on the executors
 * the job runs on ({@link ExecutorCeilings}), so that E / H compares figures of the same machines.
 */
interface CeilingSite extends AutoCloseable {
    /** How {@code bench.json} names the two sites. */
    String DRIVER = "driver";
    String EXECUTORS = "executors";

    /**
     * A measured ceiling.
     *
     * @param perSecond  images per second in all (on the executors: the sum over executors)
     * @param latenciesMs per-image latencies where recorded (decoding), else empty
     * @param executors  the figure of each executor, empty when measured in the driver
     */
    record Figure(double perSecond, double[] latenciesMs, List<ExecutorRate> executors) {
        static Figure of(Ceilings.Rate rate) {
            return new Figure(rate.perSecond(), rate.latenciesMs(), List.of());
        }
    }

    /**
     * One executor's share of a figure: the sum of its tasks' rates, which ran at the same time.
     *
     * @param tasks the tasks that measured on it (its task slots)
     */
    record ExecutorRate(String executorId, String host, int tasks, double perSecond) {}

    /** Opens a site for one corpus's measurement inputs. */
    interface Factory {
        /** {@link #DRIVER} or {@link #EXECUTORS}. */
        String name();

        /** The byte budget of D's sample of encoded files, which must fit where D is measured. */
        default long sampleBytes() {
            return CorpusScan.defaultSampleBytes();
        }

        /**
         * @param scan          the corpus's scan: C's ready tensors
         * @param decodeSample  the files D decodes
         * @param imageioSample the files the javax.imageio decode ceiling decodes
         */
        CeilingSite open(CorpusScan scan, List<byte[]> decodeSample, List<byte[]> imageioSample) throws Exception;
    }

    /** C: the job's session settings (the JVM's one shared session, one caller per task slot or core). */
    Figure inference(CorpusBench.Variant v) throws Exception;

    /** C for comparison: one session with an intra-op thread per core and a single caller, per JVM. */
    Figure inferenceOneSession(CorpusBench.Variant v) throws Exception;

    /** D: decode+preprocess with the job's decode mode, one thread per core or task slot. */
    Figure decode() throws Exception;

    /** D with javax.imageio at full resolution. */
    Figure decodeImageio() throws Exception;

    /** Frees what {@link Factory#open} made (broadcasts); nothing that failing to free would break. */
    @Override
    void close();
}
