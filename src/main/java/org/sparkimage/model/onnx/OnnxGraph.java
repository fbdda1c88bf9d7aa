package org.sparkimage.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.sparkimage.util.Sha256;

/**
 * Builds one ONNX model (a single graph in the default domain) node by node and serialises it.
 * Only what this project writes is supported: float, int8, uint8 and int32 constants, float graph
 * inputs and outputs, int/ints/float attributes.
 */
public final class OnnxGraph {
    /** ONNX TensorProto.DataType values. */
    private static final int FLOAT = 1;
    private static final int UINT8 = 2;
    private static final int INT8 = 3;
    private static final int INT32 = 6;
    /** ONNX IR version 7 goes with opset 13. */
    private static final long IR_VERSION = 7;
    public static final long OPSET = 13;

    private final ProtoWriter graph = new ProtoWriter();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final java.security.MessageDigest weightsDigest = Sha256.digest();
    private int nodeCount;

    public OnnxGraph(String name) {
        graph.string(2, name);
    }

    /** A float input or output whose first dimension is the dynamic batch size {@code N}. */
    public OnnxGraph input(String name, long... dimsAfterBatch) {
        graph.message(11, valueInfo(name, dimsAfterBatch));
        return this;
    }

    public OnnxGraph output(String name, long... dimsAfterBatch) {
        graph.message(12, valueInfo(name, dimsAfterBatch));
        return this;
    }

    /** A constant float tensor (weights). */
    public OnnxGraph initializer(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, FLOAT, raw.array(), values.length, dims);
    }

    /** A constant int8 tensor (quantized weights, their zero points). */
    public OnnxGraph int8Initializer(String name, byte[] values, long... dims) {
        return tensor(name, INT8, values.clone(), values.length, dims);
    }

    /** A constant uint8 tensor (activation zero points). */
    public OnnxGraph uint8Initializer(String name, byte[] values, long... dims) {
        return tensor(name, UINT8, values.clone(), values.length, dims);
    }

    /** A constant int32 tensor (quantized biases, their zero points). */
    public OnnxGraph int32Initializer(String name, int[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asIntBuffer().put(values);
        return tensor(name, INT32, raw.array(), values.length, dims);
    }

    private OnnxGraph tensor(String name, int dataType, byte[] raw, int count, long... dims) {
        long n = 1;
        for (long d : dims) n *= d;
        if (n != count) throw new IllegalArgumentException(name + ": " + count + " values for dims " + java.util.Arrays.toString(dims));
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.int64(1, d);
        t.int64(2, dataType);
        t.string(8, name);
        t.bytes(9, raw);
        weightsDigest.update(raw);
        graph.message(5, t);
        return this;
    }

    /** Starts a node; finish it with {@link Node#add()}. */
    public Node node(String opType, String output, String... inputs) {
        return new Node(opType, output, inputs);
    }

    public OnnxGraph metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** sha256 (hex) of all initializer bytes added so far, in order: identifies the weights. */
    public String weightsSha256() {
        try {
            return java.util.HexFormat.of().formatHex(((java.security.MessageDigest) weightsDigest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serialises a {@code ModelProto}. */
    public byte[] toModelBytes(String producer, String producerVersion, String docString) {
        ProtoWriter model = new ProtoWriter();
        model.int64(1, IR_VERSION);
        model.string(2, producer);
        model.string(3, producerVersion);
        model.string(6, docString);
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return model.toByteArray();
    }

    private static ProtoWriter valueInfo(String name, long... dimsAfterBatch) {
        ProtoWriter shape = new ProtoWriter();
        shape.message(1, new ProtoWriter().string(2, "N"));
        for (long d : dimsAfterBatch) shape.message(1, new ProtoWriter().int64(1, d));
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape);
        ProtoWriter type = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, name).message(2, type);
    }

    /** A node under construction. */
    public final class Node {
        private final ProtoWriter node = new ProtoWriter();

        private Node(String opType, String output, String... inputs) {
            for (String in : inputs) node.string(1, in);
            node.string(2, output);
            node.string(3, output + "/" + opType + "_" + nodeCount++);
            node.string(4, opType);
        }

        public Node attrInt(String name, long value) {
            node.message(5, new ProtoWriter().string(1, name).int64(3, value).int64(20, 2));
            return this;
        }

        public Node attrFloat(String name, float value) {
            node.message(5, new ProtoWriter().string(1, name).float32(2, value).int64(20, 1));
            return this;
        }

        public Node attrInts(String name, long... values) {
            ProtoWriter a = new ProtoWriter().string(1, name);
            for (long v : values) a.int64(8, v);
            node.message(5, a.int64(20, 7));
            return this;
        }

        public OnnxGraph add() {
            graph.message(1, node);
            return OnnxGraph.this;
        }
    }
}
