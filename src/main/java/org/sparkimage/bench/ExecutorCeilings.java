package org.sparkimage.bench;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.DecodeMode;

import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * C and D measured where the job runs: each figure is one Spark barrier stage with one task per
 * executor task slot ({@code executor cores / spark.task.cpus}), all started together and timed
 * from a common barrier, each task one caller or decoding thread, exactly as the job's tasks are:
 * <ul>
 *   <li>per task slot, not per executor: the job runs one task per slot against its JVM's one
 *       ONNX Runtime session ({@link EngineRegistry}, {@code spark.task.cpus} intra-op threads), and
 *       decodes one image per task at a time; a task per slot reproduces that load without a
 *       thread pool the job does not have, and Spark's own slot accounting places the tasks;</li>
 *   <li>a barrier stage, because an ordinary stage may start its tasks at different times, or two
 *       on one executor while another is still free; a barrier stage starts all of them at once or
 *       none, and fills every slot when it has as many tasks as there are slots;</li>
 *   <li>all executors at the same time, as in E: executors sharing a host (or its memory bandwidth)
 *       slow each other down in the job too.</li>
 * </ul>
 * The inputs travel as broadcasts (C's ready tensors, D's sample of encoded files), so the tasks
 * read nothing from the driver's disk. An executor's figure is the sum of its tasks' rates; the
 * cluster's is the sum over executors.
 */
final class ExecutorCeilings implements CeilingSite {
    /** The figures an executor task can measure. */
    enum Kind { INFERENCE, INFERENCE_ONE_SESSION, DECODE, DECODE_IMAGEIO }

    /**
     * What one task measured.
     *
     * @param images  images handled in the timed interval (0 for a task that only waited)
     * @param seconds the timed interval (0 for a task that only waited)
     */
    record TaskRate(String executorId, String host, long images, double seconds, double[] latenciesMs) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Measures on the executors of {@code jsc}.
     *
     * @param cardModel     the model whose card decoding and preprocessing follow (every variant's is the same)
     * @param executors     the executors expected to measure (a figure from fewer or more is refused)
     * @param slotsEach     task slots per executor
     * @param mode          the job's decode mode
     * @param batch         images per inference call
     * @param minSeconds    shortest measuring time of each figure
     */
    static Factory factory(JavaSparkContext jsc, ModelBundle cardModel, int executors, int slotsEach, DecodeMode mode, int batch,
                           double minSeconds) {
        Map<String, Broadcast<ModelBundle>> models = new HashMap<>(); // one broadcast per model for the whole run
        models.put(cardModel.sha256(), jsc.broadcast(cardModel));
        Broadcast<ModelBundle> decodeCard = models.get(cardModel.sha256());
        return new Factory() {
            @Override
            public String name() {
                return EXECUTORS;
            }

            /**
             * A sixteenth of an executor's heap at most: the broadcast sample is held there twice
             * (its blocks and the value), next to the job's own decoding.
             */
            @Override
            public long sampleBytes() {
                if (jsc.isLocal()) return CorpusScan.defaultSampleBytes();
                return Math.min(CorpusScan.defaultSampleBytes(), jsc.getConf().getSizeAsBytes("spark.executor.memory", "1g") / 16);
            }

            @Override
            public CeilingSite open(CorpusScan scan, List<byte[]> decodeSample, List<byte[]> imageioSample) {
                return new ExecutorCeilings(jsc, models, decodeCard, executors, slotsEach, mode, batch, minSeconds, scan, decodeSample, imageioSample);
            }
        };
    }

    private final JavaSparkContext jsc;
    private final Map<String, Broadcast<ModelBundle>> models;
    private final Broadcast<ModelBundle> decodeCard;
    private final int executors;
    private final int slotsEach;
    private final Settings settings;
    private final Broadcast<float[]> tensors;
    private final Broadcast<List<byte[]>> decodeSample;
    private final Broadcast<List<byte[]>> imageioSample;

    private ExecutorCeilings(JavaSparkContext jsc, Map<String, Broadcast<ModelBundle>> models, Broadcast<ModelBundle> decodeCard,
                             int executors, int slotsEach,
                             DecodeMode mode, int batch, double minSeconds, CorpusScan scan, List<byte[]> decodeSample,
                             List<byte[]> imageioSample) {
        this.jsc = jsc;
        this.models = models;
        this.decodeCard = decodeCard;
        this.executors = executors;
        this.slotsEach = slotsEach;
        this.settings = new Settings(mode, batch, minSeconds);
        FloatBuffer t = scan.tensors().duplicate();
        t.rewind();
        float[] ready = new float[t.remaining()];
        t.get(ready);
        this.tensors = jsc.broadcast(ready);
        // copies: a subList is not serializable
        this.decodeSample = jsc.broadcast(new ArrayList<>(decodeSample));
        this.imageioSample = jsc.broadcast(new ArrayList<>(imageioSample));
    }

    /** The per-task settings. */
    private record Settings(DecodeMode mode, int batch, double minSeconds) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public Figure inference(CorpusBench.Variant v) {
        return measure(Kind.INFERENCE, model(v));
    }

    @Override
    public Figure inferenceOneSession(CorpusBench.Variant v) {
        return measure(Kind.INFERENCE_ONE_SESSION, model(v));
    }

    @Override
    public Figure decode() {
        return measure(Kind.DECODE, decodeCard);
    }

    @Override
    public Figure decodeImageio() {
        return measure(Kind.DECODE_IMAGEIO, decodeCard);
    }

    /** The variant's model, broadcast once per run. */
    private Broadcast<ModelBundle> model(CorpusBench.Variant v) {
        return models.computeIfAbsent(v.model().sha256(), k -> jsc.broadcast(v.model()));
    }

    private Figure measure(Kind kind, Broadcast<ModelBundle> model) {
        int tasks = executors * slotsEach;
        RDD<Integer> seeds = jsc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks).rdd();
        ClassTag<TaskRate> tag = ClassTag$.MODULE$.apply(TaskRate.class);
        List<TaskRate> rates = seeds.barrier()
                .mapPartitions(new Probe(kind, settings, model, tensors, decodeSample, imageioSample), false, tag)
                .toJavaRDD().collect();
        return sum(kind, rates);
    }

    /** Adds the tasks' rates up per executor, and refuses a figure that did not come from the expected executors. */
    private Figure sum(Kind kind, List<TaskRate> rates) {
        Map<String, List<TaskRate>> byExecutor = new LinkedHashMap<>();
        for (TaskRate r : rates) byExecutor.computeIfAbsent(r.executorId(), k -> new ArrayList<>()).add(r);
        if (byExecutor.size() != executors || byExecutor.values().stream().anyMatch(l -> l.size() != slotsEach)) {
            throw new IllegalStateException(kind + " ran on " + byExecutor.size() + " executor(s) with tasks "
                    + byExecutor.values().stream().map(List::size).toList() + "; expected " + executors + " with " + slotsEach
                    + " each: the figure would not describe the job's executors");
        }
        List<ExecutorRate> perExecutor = new ArrayList<>();
        List<Double> latencies = new ArrayList<>();
        double total = 0;
        for (List<TaskRate> tasks : byExecutor.values()) {
            double rate = 0;
            for (TaskRate t : tasks) {
                if (t.seconds() > 0) rate += t.images() / t.seconds();
                for (double l : t.latenciesMs()) latencies.add(l);
            }
            perExecutor.add(new ExecutorRate(tasks.get(0).executorId(), tasks.get(0).host(), tasks.size(), rate));
            total += rate;
        }
        perExecutor.sort(java.util.Comparator.comparing(ExecutorRate::executorId, ExecutorCeilings::byNumber));
        return new Figure(total, latencies.stream().mapToDouble(Double::doubleValue).toArray(), List.copyOf(perExecutor));
    }

    /** Executor ids are numbers on clusters ("driver" in local mode): 2 before 10. */
    static int byNumber(String a, String b) {
        boolean na = a.chars().allMatch(Character::isDigit) && !a.isEmpty();
        boolean nb = b.chars().allMatch(Character::isDigit) && !b.isEmpty();
        if (na && nb) return Long.compare(Long.parseLong(a), Long.parseLong(b));
        return na != nb ? (na ? -1 : 1) : a.compareTo(b);
    }

    /**
     * Drops the executors' copies of this corpus's inputs, waiting until they are gone: a
     * non-blocking destroy leaves removal requests in flight when the application stops right
     * after, which Spark logs as errors. The driver's copies go with these objects (Spark's
     * context cleaner).
     */
    @Override
    public void close() {
        tensors.unpersist(true);
        decodeSample.unpersist(true);
        imageioSample.unpersist(true);
    }

    /** One barrier task: measures one figure in its executor JVM. */
    private static final class Probe extends AbstractFunction1<Iterator<Integer>, Iterator<TaskRate>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Kind kind;
        private final Settings settings;
        private final Broadcast<ModelBundle> model;
        private final Broadcast<float[]> tensors;
        private final Broadcast<List<byte[]>> decodeSample;
        private final Broadcast<List<byte[]>> imageioSample;

        Probe(Kind kind, Settings settings, Broadcast<ModelBundle> model, Broadcast<float[]> tensors,
              Broadcast<List<byte[]>> decodeSample, Broadcast<List<byte[]>> imageioSample) {
            this.kind = kind;
            this.settings = settings;
            this.model = model;
            this.tensors = tensors;
            this.decodeSample = decodeSample;
            this.imageioSample = imageioSample;
        }

        @Override
        public Iterator<TaskRate> apply(Iterator<Integer> ignored) {
            BarrierTaskContext task = BarrierTaskContext.get();
            String executor = SparkEnv.get().executorId();
            String host = SparkEnv.get().blockManager().blockManagerId().host();
            // Which tasks share this JVM: the first of them measures the one-session alternative alone.
            String[] executorOfTask = task.allGather(executor);
            int first = java.util.Arrays.asList(executorOfTask).indexOf(executor);
            int here = (int) java.util.Arrays.stream(executorOfTask).filter(executor::equals).count();
            int threads = Math.max(1, task.cpus());
            try {
                Ceilings.Rate r = measure(task, first == task.partitionId(), here * threads, threads);
                return scala.collection.Iterator$.MODULE$.single(new TaskRate(executor, host, r.images(), r.seconds(), r.latenciesMs()));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(kind + " failed on executor " + executor + ": " + e.getMessage(), e);
            }
        }

        private Ceilings.Rate measure(BarrierTaskContext task, boolean firstHere, int jvmThreads, int taskThreads) throws Exception {
            Ceilings.StartGate gate = task::barrier;
            ModelBundle bundle = model.value();
            DecodePath path = DecodePath.of(bundle.card(), settings.mode());
            return switch (kind) {
                case INFERENCE -> Ceilings.inference(EngineRegistry.get(bundle.sha256(), bundle::bytes, bundle.card(), taskThreads),
                        readyTensors(), settings.batch(), 1, settings.minSeconds(), gate);
                case INFERENCE_ONE_SESSION -> {
                    if (!firstHere) {
                        gate.await();
                        yield new Ceilings.Rate(0, 0, new double[0]);
                    }
                    try (OrtEngine wide = new OrtEngine(bundle.bytes(), bundle.card(), jvmThreads)) {
                        yield Ceilings.inference(wide, readyTensors(), settings.batch(), 1, settings.minSeconds(), gate);
                    }
                }
                case DECODE -> Ceilings.decode(path.decoder(), path.hint(), path.pre(), decodeSample.value(), 1,
                        settings.minSeconds(), gate);
                case DECODE_IMAGEIO -> {
                    DecodePath io = path.imageio();
                    yield Ceilings.decode(io.decoder(), io.hint(), io.pre(), imageioSample.value(), 1, settings.minSeconds(), gate);
                }
            };
        }

        private FloatBuffer readyTensors() {
            float[] t = tensors.value();
            FloatBuffer b = ByteBuffer.allocateDirect(t.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            b.put(t).rewind();
            return b;
        }
    }
}
