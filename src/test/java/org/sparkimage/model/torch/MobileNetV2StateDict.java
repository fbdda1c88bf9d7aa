package org.sparkimage.model.torch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.sparkimage.model.Layer;
import org.sparkimage.model.MobileNetV2Spec;

/**
 * A MobileNetV2 {@code state_dict} written in Java, laid out as torch.save writes one (no Python
 * needed): every conv's weight and its BatchNorm's weight, bias, running_mean and running_var
 * under the module paths of a {@link PyTorchLayout}, then {@code classifier.1}. Values are seeded;
 * BatchNorm statistics are non-trivial. Tests edit {@link #tensors} (drop, add, reshape) before
 * {@link #bytes()} to make broken checkpoints.
 */
public final class MobileNetV2StateDict {
    /** One tensor: its shape and row-major values. */
    public record Tensor(long[] shape, float[] values) {}

    /** The tensors by key, in the order torch would write them. */
    public final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** The state_dict of {@code spec} in {@code layout}, values drawn from {@code seed}. */
    public MobileNetV2StateDict(MobileNetV2Spec spec, PyTorchLayout layout, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Layer l : spec.layers()) {
            if (l.kind() == Layer.Kind.CONV) {
                boolean expand = spec.layers().stream().anyMatch(x -> l.name().startsWith("block")
                        && x.name().equals(l.name().substring(0, l.name().indexOf('_')) + "_expand"));
                String[] m = layout.modules(l, expand);
                int out = l.out().channels();
                int fanIn = l.in().channels() / l.groups() * l.kernel() * l.kernel();
                tensors.put(m[0] + ".weight", new Tensor(new long[] {out, l.in().channels() / l.groups(), l.kernel(), l.kernel()},
                        normal(rnd, out * fanIn, Math.sqrt(2.0 / fanIn))));
                tensors.put(m[1] + ".weight", new Tensor(new long[] {out}, uniform(rnd, out, 0.5, 1.5)));
                tensors.put(m[1] + ".bias", new Tensor(new long[] {out}, normal(rnd, out, 0.2)));
                tensors.put(m[1] + ".running_mean", new Tensor(new long[] {out}, normal(rnd, out, 0.2)));
                tensors.put(m[1] + ".running_var", new Tensor(new long[] {out}, uniform(rnd, out, 0.5, 2.0)));
            } else if (l.kind() == Layer.Kind.DENSE) {
                int in = l.in().channels();
                int out = l.out().channels();
                tensors.put(PyTorchLayout.CLASSIFIER + ".weight", new Tensor(new long[] {out, in}, normal(rnd, out * in, 1 / Math.sqrt(in))));
                tensors.put(PyTorchLayout.CLASSIFIER + ".bias", new Tensor(new long[] {out}, normal(rnd, out, 0.1)));
            }
        }
    }

    /** The torch.save zip: an OrderedDict of float32 tensors, one storage record each. */
    public byte[] bytes() {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark();
        int key = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long[] shape = e.getValue().shape();
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            p.unicode(e.getKey()).tensor("FloatStorage", String.valueOf(key++), e.getValue().values().length, 0, shape, stride);
        }
        CheckpointZip zip = CheckpointZip.of(p.setItems().stop().bytes());
        key = 0;
        for (Tensor t : tensors.values()) zip.floats(String.valueOf(key++), t.values());
        return zip.bytes();
    }

    private static float[] normal(SplittableRandom rnd, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    private static float[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextDouble(lo, hi);
        return v;
    }
}
