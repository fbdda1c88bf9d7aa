package org.sparkimage.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The float constants (initializers) of an ONNX model, read from its protobuf bytes: what a writer
 * needs to write the same weights again in another form (e.g. quantized). Both encodings ONNX
 * allows for floats are read: {@code raw_data} (little-endian) and packed {@code float_data}.
 */
public final class OnnxInitializers {
    /** TensorProto field numbers (onnx.proto). */
    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int FLOAT_DATA = 4;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;
    private static final int EXTERNAL_DATA = 13;
    /** TensorProto.DataType.FLOAT. */
    private static final long FLOAT = 1;

    /** One float tensor: its dims and values, row-major. */
    public record Tensor(long[] dims, float[] values) {}

    private OnnxInitializers() {}

    /**
     * Every float initializer of the model's graph, by name, in file order; initializers of other
     * types are left out.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed ONNX model, or a tensor's
     *                                  values do not match its dims or live in an external file
     */
    public static Map<String, Tensor> floats(byte[] model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        ProtoReader r = new ProtoReader(model);
        while (r.more()) {
            if (r.tag() != 7) { r.skip(); continue; }
            ProtoReader g = r.sub();
            while (g.more()) {
                if (g.tag() != 5) { g.skip(); continue; }
                readTensor(g.sub(), out);
            }
        }
        return out;
    }

    private static void readTensor(ProtoReader t, Map<String, Tensor> out) {
        List<Long> dims = new ArrayList<>();
        long type = 0;
        String name = "";
        byte[] raw = null;
        List<Float> packed = new ArrayList<>();
        boolean external = false;
        while (t.more()) {
            switch (t.tag()) {
                case DIMS -> {
                    if (t.wireType() == 2) {
                        ProtoReader p = t.sub();
                        while (p.more()) dims.add(p.varint());
                    } else {
                        dims.add(t.varint());
                    }
                }
                case DATA_TYPE -> type = t.varint();
                case NAME -> name = t.string();
                case RAW_DATA -> raw = t.bytes();
                case FLOAT_DATA -> {
                    if (t.wireType() == 2) {
                        ProtoReader p = t.sub();
                        while (p.more()) packed.add(Float.intBitsToFloat(p.fixed32()));
                    } else {
                        packed.add(Float.intBitsToFloat(t.fixed32()));
                    }
                }
                case EXTERNAL_DATA -> { external = true; t.skip(); }
                default -> t.skip();
            }
        }
        if (type != FLOAT) return;
        if (external) throw new IllegalArgumentException("initializer " + name + " keeps its values in an external file");
        long count = 1;
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
            count *= d[i];
        }
        float[] values;
        if (raw != null) {
            if (raw.length != count * Float.BYTES) {
                throw new IllegalArgumentException("initializer " + name + " has " + raw.length + " bytes for dims " + dims);
            }
            values = new float[(int) count];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            if (packed.size() != count) {
                throw new IllegalArgumentException("initializer " + name + " has " + packed.size() + " values for dims " + dims);
            }
            values = new float[packed.size()];
            for (int i = 0; i < values.length; i++) values[i] = packed.get(i);
        }
        out.put(name, new Tensor(d, values));
    }
}
