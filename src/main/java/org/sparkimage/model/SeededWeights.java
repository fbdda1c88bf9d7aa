package org.sparkimage.model;

import java.util.SplittableRandom;

/**
 * Deterministic random weights for benchmarks and tests at any width and resolution: He-normal
 * convs (so activations neither vanish nor blow up through ReLU6), projections of residual blocks
 * scaled down so the residual sums stay small, zero biases, Xavier-normal dense layers. The same
 * seed gives the same weights on every JVM (own Box-Muller over {@link SplittableRandom}).
 */
public final class SeededWeights implements WeightSource {
    private final long seed;

    public SeededWeights(long seed) {
        this.seed = seed;
    }

    @Override
    public LayerWeights conv(Layer layer) {
        int fanIn = layer.in().channels() / layer.groups() * layer.kernel() * layer.kernel();
        double std = Math.sqrt(2.0 / fanIn);
        if (layer.activation() == Activation.NONE) std *= 0.5; // linear projection feeding a residual sum
        return new LayerWeights(gaussian(layer, (int) layer.weightCount(), std), new float[layer.out().channels()]);
    }

    @Override
    public LayerWeights dense(Layer layer) {
        double std = Math.sqrt(1.0 / layer.in().channels());
        return new LayerWeights(gaussian(layer, (int) layer.weightCount(), std), new float[layer.out().channels()]);
    }

    @Override
    public String description() {
        return "seeded He-normal initialisation, seed " + seed + " (no training: outputs carry no meaning)";
    }

    private float[] gaussian(Layer layer, int n, double std) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + layer.name().hashCode());
        float[] w = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1]
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1)) * std;
            w[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) w[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
        }
        return w;
    }
}
