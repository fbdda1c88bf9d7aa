package org.sparkimage.model.onnx;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.sparkimage.model.onnx.OnnxNodes.Node;
import org.sparkimage.model.onnx.OnnxNodes.Tensor;

/**
 * The values of an ONNX graph's constant tensors: initializers, {@code Constant} nodes, and the small
 * constant subgraphs exporters leave unfolded (PyTorch's dynamo exporter without optimisation builds
 * a zero conv bias with {@code Shape}, {@code Expand} and {@code CastLike}, a flatten shape with
 * {@code Concat}). Only the ops such subgraphs use are evaluated; anything else is "not constant".
 */
final class OnnxConstants {
    private final Map<String, Tensor> initializers;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, Tensor> folded = new HashMap<>();

    OnnxConstants(OnnxNodes graph) {
        this.initializers = graph.initializers();
        for (Node n : graph.nodes()) for (String o : n.outputs()) if (!o.isEmpty()) producers.put(o, n);
    }

    /** The value of tensor {@code name}, or null when it is not a constant this class can compute. */
    Tensor value(String name) {
        if (name.isEmpty()) return null;
        Tensor t = initializers.get(name);
        if (t != null) return t;
        if (folded.containsKey(name)) return folded.get(name);
        Node n = producers.get(name);
        Tensor v = null;
        if (n != null && n.domain().isEmpty() && name.equals(n.outputs().get(0))) {
            folded.put(name, null); // guards against cycles while evaluating
            v = evaluate(n, name);
        }
        folded.put(name, v);
        return v;
    }

    /** The float values of constant {@code name}, or null. */
    float[] floats(String name) {
        Tensor t = value(name);
        return t == null || t.external() ? null : t.floats();
    }

    /** The integer values of constant {@code name}, or null. */
    long[] longs(String name) {
        Tensor t = value(name);
        return t == null || t.external() ? null : t.longs();
    }

    private Tensor evaluate(Node n, String out) {
        switch (n.opType()) {
            case "Constant" -> { return constant(n, out); }
            case "Identity" -> { return renamed(value(n.input(0)), out); }
            case "Cast" -> { return cast(value(n.input(0)), (int) n.attrInt("to", OnnxNodes.FLOAT), out); }
            case "CastLike" -> {
                Tensor like = value(n.input(1));
                // A CastLike to a data tensor targets the graph's float type.
                return cast(value(n.input(0)), like == null ? OnnxNodes.FLOAT : like.dataType(), out);
            }
            case "Shape" -> { return shape(n, out); }
            case "Expand" -> { return expand(value(n.input(0)), longs(n.input(1)), out); }
            case "Reshape" -> { return reshape(value(n.input(0)), longs(n.input(1)), out); }
            case "Concat" -> { return concat(n, out); }
            default -> { return null; }
        }
    }

    private static Tensor constant(Node n, String out) {
        for (OnnxNodes.Attribute a : n.attributes().values()) {
            switch (a.name()) {
                case "value" -> { return a.t() == null ? null : renamed(a.t(), out); }
                case "value_float" -> { return new Tensor(out, OnnxNodes.FLOAT, new long[0], new float[] {a.f()}, null, false); }
                case "value_floats" -> {
                    return new Tensor(out, OnnxNodes.FLOAT, new long[] {a.floats().length}, a.floats().clone(), null, false);
                }
                case "value_int" -> { return new Tensor(out, OnnxNodes.INT64, new long[0], null, new long[] {a.i()}, false); }
                case "value_ints" -> {
                    return new Tensor(out, OnnxNodes.INT64, new long[] {a.ints().length}, null, a.ints().clone(), false);
                }
                default -> { }
            }
        }
        return null;
    }

    private static Tensor renamed(Tensor t, String out) {
        return t == null ? null : new Tensor(out, t.dataType(), t.dims(), t.floats(), t.longs(), t.external());
    }

    private static boolean isFloatType(int type) {
        return type == OnnxNodes.FLOAT || type == OnnxNodes.FLOAT16 || type == OnnxNodes.DOUBLE;
    }

    private static Tensor cast(Tensor t, int to, String out) {
        if (t == null || t.external()) return null;
        if (isFloatType(to)) {
            float[] f = t.floats();
            if (f == null && t.longs() != null) {
                f = new float[t.longs().length];
                for (int i = 0; i < f.length; i++) f[i] = t.longs()[i];
            }
            return f == null ? null : new Tensor(out, OnnxNodes.FLOAT, t.dims(), f, null, false);
        }
        long[] l = t.longs();
        if (l == null && t.floats() != null) {
            l = new long[t.floats().length];
            for (int i = 0; i < l.length; i++) l[i] = (long) t.floats()[i];
        }
        return l == null ? null : new Tensor(out, OnnxNodes.INT64, t.dims(), null, l, false);
    }

    /** Shape of a constant (start/end attributes as in opset 15). */
    private Tensor shape(Node n, String out) {
        Tensor t = value(n.input(0));
        if (t == null) return null;
        int rank = t.dims().length;
        int start = clampAxis(n.attrInt("start", 0), rank);
        int end = clampAxis(n.attrInt("end", rank), rank);
        long[] dims = Arrays.copyOfRange(t.dims(), start, Math.max(start, end));
        return new Tensor(out, OnnxNodes.INT64, new long[] {dims.length}, null, dims, false);
    }

    private static int clampAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return (int) Math.max(0, Math.min(rank, a));
    }

    /** Expand of a single value (a broadcast scalar, the only kind exporters build for biases). */
    private static Tensor expand(Tensor t, long[] shape, String out) {
        if (t == null || shape == null || t.size() != 1) return null;
        long n = 1;
        for (long d : shape) n *= d;
        if (n < 0 || n > Integer.MAX_VALUE) return null;
        if (t.floats() != null) {
            float[] f = new float[(int) n];
            Arrays.fill(f, t.floats()[0]);
            return new Tensor(out, t.dataType(), shape.clone(), f, null, false);
        }
        if (t.longs() == null) return null;
        long[] l = new long[(int) n];
        Arrays.fill(l, t.longs()[0]);
        return new Tensor(out, t.dataType(), shape.clone(), null, l, false);
    }

    private static Tensor reshape(Tensor t, long[] shape, String out) {
        if (t == null || shape == null || t.external()) return null;
        long[] dims = shape.clone();
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && i < t.dims().length) dims[i] = t.dims()[i];
            if (dims[i] == -1) unknown = i; else known *= dims[i];
        }
        if (unknown >= 0 && known > 0) dims[unknown] = t.size() / known;
        return new Tensor(out, t.dataType(), dims, t.floats(), t.longs(), false);
    }

    /** Concat of integer vectors (shapes); float concatenation is not needed by any exporter seen. */
    private Tensor concat(Node n, String out) {
        long[] all = new long[0];
        for (String in : n.inputs()) {
            long[] l = longs(in);
            if (l == null) return null;
            long[] joined = Arrays.copyOf(all, all.length + l.length);
            System.arraycopy(l, 0, joined, all.length, l.length);
            all = joined;
        }
        return new Tensor(out, OnnxNodes.INT64, new long[] {all.length}, null, all, false);
    }
}
