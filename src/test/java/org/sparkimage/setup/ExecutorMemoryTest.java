package org.sparkimage.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.sparkimage.model.DefaultModel;
import org.sparkimage.model.ModelCard;

/** Where and how the job sizes spark.executor.memoryOverhead (the figures behind it: docs/cluster.md). */
class ExecutorMemoryTest {
    private static final byte[] MODEL = DefaultModel.bytes();
    private static final ModelCard CARD = DefaultModel.embeddedCard(MODEL);
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    private static SparkConf yarn() {
        return new SparkConf(false).set("spark.master", "yarn").set("spark.executor.memory", "1g");
    }

    private ExecutorMemory.Choice resolve(SparkConf conf, int batch) {
        return ExecutorMemory.resolve(conf, MODEL.length, CARD, batch, out);
    }

    @Test
    void theRuleCoversTheMeasuredMobileNetV2() {
        // scripts/memory.sh, fp32 (docs/cluster.md): session + activations + input tensors, in MiB
        assertTrue(ExecutorMemory.onnxRuntimeMiB(MODEL.length, CARD, 1, 1) >= 53.3);
        assertTrue(ExecutorMemory.onnxRuntimeMiB(MODEL.length, CARD, 24, 1) >= 455.7);
        assertTrue(ExecutorMemory.onnxRuntimeMiB(MODEL.length, CARD, 48, 1) >= 879.0);
        assertTrue(ExecutorMemory.onnxRuntimeMiB(MODEL.length, CARD, 64, 1) >= 1003.4);
        assertTrue(ExecutorMemory.onnxRuntimeMiB(MODEL.length, CARD, 64, 2) >= 1519.5);
        assertTrue(ExecutorMemory.onnxRuntimeMiB(MODEL.length, CARD, 64, 4) >= 2783.8);
        // per image of a 224x224 MobileNetV2: the largest layer's input + output is 1,505,280 floats
        assertEquals(3.0 * 1_505_280 * 4, ExecutorMemory.activationBytesPerImage(CARD), 1);
        assertEquals(785, ExecutorMemory.ruleMiB(MODEL.length, CARD, 16, 1));
        assertEquals(1667, ExecutorMemory.ruleMiB(MODEL.length, CARD, 64, 1));
    }

    @Test
    void sizesTheOverheadOnYarnWhenNoneIsGiven() {
        SparkConf conf = yarn().set("spark.executor.cores", "4");
        ExecutorMemory.Choice c = resolve(conf, 16);
        long rule = ExecutorMemory.ruleMiB(MODEL.length, CARD, 16, 4);
        assertEquals(new ExecutorMemory.Choice(rule, rule, true), c);
        assertEquals(rule + "m", conf.get(ExecutorMemory.OVERHEAD));
        assertTrue(console.toString().contains("spark.executor.memoryOverhead=" + rule + "m (sized by the job for batch size 16"
                + " x 4 concurrent task(s)"), console.toString());
    }

    @Test
    void keepsSparksDefaultWhenItIsLarger() {
        SparkConf conf = yarn().set("spark.executor.memory", "64g");
        assertEquals(6553, resolve(conf, 1).overheadMiB()); // 10% of 64 GiB
        assertEquals("6553m", conf.get(ExecutorMemory.OVERHEAD));
    }

    @Test
    void concurrentTasksAreCoresOverTaskCpus() {
        SparkConf conf = yarn().set("spark.executor.cores", "8").set("spark.task.cpus", "4");
        assertEquals(ExecutorMemory.ruleMiB(MODEL.length, CARD, 16, 2), resolve(conf, 16).ruleMiB());
    }

    @Test
    void aUserSettingIsKeptAndWarnedAboutWhenBelowTheRule() {
        SparkConf conf = yarn().set(ExecutorMemory.OVERHEAD, "384m");
        ExecutorMemory.Choice c = resolve(conf, 64);
        assertEquals(384, c.overheadMiB());
        assertFalse(c.sizedByJob());
        assertEquals("384m", conf.get(ExecutorMemory.OVERHEAD));
        assertTrue(console.toString().startsWith("warning: spark.executor.memoryOverhead gives executors 384 MiB"), console.toString());
        assertTrue(console.toString().contains("raise spark.executor.memoryOverhead to " + c.ruleMiB() + "m"), console.toString());
    }

    @Test
    void aFactorCountsAsAUserSetting() {
        SparkConf conf = yarn().set(ExecutorMemory.OVERHEAD_FACTOR, "0.5");
        ExecutorMemory.Choice c = resolve(conf, 1);
        assertEquals(512, c.overheadMiB());
        assertFalse(conf.contains(ExecutorMemory.OVERHEAD));
        assertEquals("", console.toString(), "512 MiB is above the rule at batch 1: no warning");
    }

    @Test
    void doesNothingWhereNoContainerLimitsMemory() {
        for (String master : new String[] {"local[2]", "spark://127.0.0.1:7077"}) {
            SparkConf conf = new SparkConf(false).set("spark.master", master);
            assertNull(resolve(conf, 64));
            assertFalse(conf.contains(ExecutorMemory.OVERHEAD));
        }
        assertEquals("", console.toString());
    }
}
