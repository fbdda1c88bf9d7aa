package org.sparkimage.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sparkimage.core.TopK;

/**
 * What the uncertainty columns cost per image: {@link TopK#of} (softmax of logits, top 5, margin
 * and entropy of the whole row) against the margin and entropy alone, for 5 classes (the default
 * model) and 1000 (an ImageNet model).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TopKBenchmark {
    @Param({"5", "1000"})
    public int classes;

    private TopK topK;
    private float[] logits;
    private float[] probabilities;

    @Setup
    public void setUp() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < classes; i++) labels.add("c" + i);
        topK = new TopK(5, labels, true);
        Random r = new Random(1);
        logits = new float[classes];
        for (int i = 0; i < classes; i++) logits[i] = (float) (r.nextGaussian() * 3);
        probabilities = new float[classes];
        double sum = 0;
        for (int i = 0; i < classes; i++) sum += Math.exp(logits[i]);
        for (int i = 0; i < classes; i++) probabilities[i] = (float) (Math.exp(logits[i]) / sum);
    }

    /** Everything the job does with a score row. */
    @Benchmark
    public TopK.Result topK() {
        return topK.of(logits, 0);
    }

    /** The two measures the uncertainty columns add (least confidence is a subtraction). */
    @Benchmark
    public float uncertaintyOnly() {
        return TopK.margin(probabilities) + TopK.entropy(probabilities);
    }
}
