package org.sparkimage.setup;

import java.io.PrintStream;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.sparkimage.model.Layer;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;

/**
 * Sizes {@code spark.executor.memoryOverhead}: the memory a YARN (or Kubernetes) container gives an
 * executor beyond its Java heap. ONNX Runtime's memory is all outside the heap: the session (the
 * model's weights, pre-packed) and the arena its runs take activations from, which grows with the
 * images of a batch and with the runs in ONNX Runtime at once (an executor's concurrent tasks share
 * one session). Spark's default overhead (10% of the executor memory, at least 384 MiB) is sized
 * for the JVM alone; a large batch on a small executor exceeds it and YARN kills the container.
 *
 * <p>The rule: {@value #JVM_MIB} MiB for the JVM's own off-heap memory (Spark's minimum) + the
 * session + per concurrent task (executor cores / task cpus): batch size x (the activations of one
 * image + the task's two direct input tensors of one image) + {@value #MARGIN_MIB} MiB. The
 * activations of one image come from the MobileNetV2 architecture at the card's input size (the
 * largest input plus output of one layer) times a factor fitted on measurement; the session from
 * the model's size. Constants fitted on {@code scripts/memory.sh} ({@code bench.OffHeapMemory}; docs/cluster.md).
 *
 * <p>The job applies it ({@link #resolve}) when the user set neither
 * {@code spark.executor.memoryOverhead} nor {@code spark.executor.memoryOverheadFactor}: the
 * overhead becomes the larger of Spark's default and the rule's figure. A user setting below the
 * figure is kept, with a warning.
 */
public final class ExecutorMemory {
    /** The setting this class sizes. */
    public static final String OVERHEAD = "spark.executor.memoryOverhead";
    /** Spark's other way to size it: a fraction of the executor memory. */
    public static final String OVERHEAD_FACTOR = "spark.executor.memoryOverheadFactor";

    /** Off-heap memory of the executor JVM itself (metaspace, code, threads, Netty): Spark's minimum overhead. */
    static final int JVM_MIB = 384;
    /** Slack on top of the rule: allocator fragmentation, decoder and reader native buffers. */
    static final int MARGIN_MIB = 64;
    /** Session memory per byte of the model file (weights are copied and pre-packed). */
    static final double SESSION_PER_MODEL_BYTE = 3.5;
    /** Session memory beyond the weights. */
    static final double SESSION_FIXED_MIB = 8;
    /**
     * Measured activation bytes of one image / the architecture's largest layer input + output, in
     * bytes: 2.1-2.85 measured for one run at a time in fp32 (the arena grows in steps), rounded up.
     */
    static final double ACTIVATION_FACTOR = 3.0;

    private static final double MIB = 1 << 20;

    private ExecutorMemory() {}

    /** What the job chose, for the console and summary.json. */
    public record Choice(long overheadMiB, long ruleMiB, boolean sizedByJob) {}

    /**
     * MiB ONNX Runtime and the job's tensors take outside the heap in one executor: the session and
     * {@code concurrentTasks} runs of {@code batchSize} images at once.
     */
    public static double onnxRuntimeMiB(long modelBytes, ModelCard card, int batchSize, int concurrentTasks) {
        double session = SESSION_FIXED_MIB + SESSION_PER_MODEL_BYTE * modelBytes / MIB;
        double perImage = activationBytesPerImage(card) + 2.0 * card.tensorSize() * Float.BYTES;
        return session + concurrentTasks * (double) batchSize * perImage / MIB;
    }

    /** The rule's overhead in MiB: the JVM's own, ONNX Runtime's, a margin. */
    public static long ruleMiB(long modelBytes, ModelCard card, int batchSize, int concurrentTasks) {
        return JVM_MIB + (long) Math.ceil(onnxRuntimeMiB(modelBytes, card, batchSize, concurrentTasks)) + MARGIN_MIB;
    }

    /**
     * Activation bytes ONNX Runtime's arena holds per image of a batch: the MobileNetV2 at the
     * card's input size, its largest layer input + output in floats, times the fitted factor.
     */
    static double activationBytesPerImage(ModelCard card) {
        int resolution = Math.max(card.input().width(), card.input().height());
        long largest = 0;
        for (Layer l : MobileNetV2Spec.imagenet(1.0, resolution, card.numClasses()).layers()) {
            largest = Math.max(largest, l.in().elements() + l.out().elements());
        }
        return ACTIVATION_FACTOR * largest * Float.BYTES;
    }

    /** One line on how the figure is computed, for the measuring command. */
    public static String describeRule() {
        return String.format(Locale.ROOT, "rule: %d MiB JVM + session (%.0f MiB + %.1f x model) + tasks x batch x"
                + " (%.2f x largest layer in+out + 2 input tensors) + %d MiB", JVM_MIB, SESSION_FIXED_MIB,
                SESSION_PER_MODEL_BYTE, ACTIVATION_FACTOR, MARGIN_MIB);
    }

    /** True where executors run in containers with a memory limit that counts the overhead: YARN, Kubernetes. */
    public static boolean applies(SparkConf conf) {
        String master = conf.get("spark.master", "");
        return master.startsWith("yarn") || master.startsWith("k8s");
    }

    /**
     * Sets {@code spark.executor.memoryOverhead} in {@code conf} (before the SparkContext starts)
     * when the master runs executors in memory-limited containers (YARN, Kubernetes) and the user
     * set no overhead; warns when the user's is below the rule's figure.
     *
     * @return what was chosen, or null where the overhead does not apply (local, standalone)
     */
    public static Choice resolve(SparkConf conf, long modelBytes, ModelCard card, int batchSize, PrintStream console) {
        if (!applies(conf)) return null;
        int cores = conf.getInt("spark.executor.cores", 1);
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        int concurrent = Math.max(1, cores / Math.max(1, taskCpus));
        long rule = ruleMiB(modelBytes, card, batchSize, concurrent);
        long executorMiB = conf.getSizeAsMb("spark.executor.memory", "1g");
        String why = String.format(Locale.ROOT, "batch size %d x %d concurrent task(s), model %.1f MB", batchSize,
                concurrent, modelBytes / 1e6);
        if (conf.contains(OVERHEAD) || conf.contains(OVERHEAD_FACTOR)) {
            long user = conf.contains(OVERHEAD) ? conf.getSizeAsMb(OVERHEAD, "0")
                    : (long) (conf.getDouble(OVERHEAD_FACTOR, 0.1) * executorMiB);
            String setting = conf.contains(OVERHEAD) ? OVERHEAD : OVERHEAD_FACTOR;
            if (user < rule) {
                console.printf(Locale.ROOT, "warning: %s gives executors %d MiB beyond the heap; ONNX Runtime at %s needs"
                        + " about %d MiB: YARN may kill executors for exceeding their memory; raise %s to %dm%n",
                        setting, user, why, rule, OVERHEAD, rule);
            }
            return new Choice(user, rule, false);
        }
        long sparkDefault = Math.max((long) (0.1 * executorMiB), conf.getSizeAsMb("spark.executor.minMemoryOverhead", "384m"));
        long chosen = Math.max(sparkDefault, rule);
        conf.set(OVERHEAD, chosen + "m");
        console.printf(Locale.ROOT, "executor memory: %d MiB heap + %s=%dm (sized by the job for %s; Spark's default"
                + " would be %d MiB)%n", executorMiB, OVERHEAD, chosen, why, sparkDefault);
        return new Choice(chosen, rule, true);
    }
}
