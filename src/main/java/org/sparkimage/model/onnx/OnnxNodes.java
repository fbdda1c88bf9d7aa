package org.sparkimage.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The computation of an ONNX model read from its protobuf bytes: nodes with their op types, inputs,
 * outputs and attributes, the initializers (float and integer values), the graph inputs and
 * outputs. Enough to recognise a known architecture in a file this project did not write, without
 * a protobuf runtime. Subgraphs ({@code If}/{@code Loop} bodies), sparse initializers and
 * functions are not read; a graph using them is not one the callers recognise anyway.
 *
 * @param producer      {@code producer_name} and {@code producer_version}, space separated
 * @param opset         version of the default ({@code ai.onnx}) domain
 * @param inputs        graph inputs, initializers that old IR versions also list as inputs included
 * @param outputs       graph outputs
 * @param nodes         the nodes in file order (ONNX requires a topological order; see {@link #topological()})
 * @param initializers  constant tensors by name
 */
public record OnnxNodes(String producer, long opset, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Node> nodes,
                        Map<String, Tensor> initializers) {

    /** TensorProto.DataType FLOAT (float32). */
    public static final int FLOAT = 1;
    /** TensorProto.DataType UINT8. */
    public static final int UINT8 = 2;
    /** TensorProto.DataType INT8. */
    public static final int INT8 = 3;
    /** TensorProto.DataType INT32. */
    public static final int INT32 = 6;
    /** TensorProto.DataType INT64. */
    public static final int INT64 = 7;
    /** TensorProto.DataType FLOAT16 (IEEE half precision). */
    public static final int FLOAT16 = 10;
    /** TensorProto.DataType DOUBLE. */
    public static final int DOUBLE = 11;

    /** A graph input or output: name, element type and dims; a symbolic or missing dim is -1. */
    public record ValueInfo(String name, int elemType, long[] dims) {}

    /**
     * One node.
     *
     * @param index      position in the file, used in messages ("node 12")
     * @param name       the node's name (may be empty)
     * @param opType     operator name
     * @param domain     operator domain, empty for the default domain
     * @param inputs     input tensor names; an empty name is an omitted optional input
     * @param outputs    output tensor names
     * @param attributes attributes by name
     */
    public record Node(int index, String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {
        /** The input at {@code i}, or the empty string when the node has fewer inputs (omitted optional input). */
        public String input(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }

        /** An INT attribute, or {@code fallback} when absent. */
        public long attrInt(String attr, long fallback) {
            Attribute a = attributes.get(attr);
            return a == null ? fallback : a.i();
        }

        /** An INTS attribute, or null when absent. */
        public long[] attrInts(String attr) {
            Attribute a = attributes.get(attr);
            return a == null ? null : a.ints();
        }

        /** A FLOAT attribute, or {@code fallback} when absent. */
        public double attrFloat(String attr, double fallback) {
            Attribute a = attributes.get(attr);
            return a == null ? fallback : a.f();
        }

        /** A STRING attribute, or {@code fallback} when absent. */
        public String attrString(String attr, String fallback) {
            Attribute a = attributes.get(attr);
            return a == null ? fallback : a.s();
        }

        /** How messages name the node: {@code node 12 (Conv 'Conv_40')}. */
        public String describe() {
            return "node " + index + " (" + (domain.isEmpty() ? "" : domain + ".") + opType
                    + (name.isEmpty() ? "" : " '" + name + "'") + ")";
        }
    }

    /**
     * One attribute: whichever of the value fields its {@code type} uses is set.
     *
     * @param type AttributeProto.AttributeType (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, ...)
     */
    public record Attribute(String name, int type, float f, long i, String s, Tensor t, float[] floats, long[] ints) {}

    /**
     * A constant tensor. Float-like types (float, float16, double) come as {@code floats}, integer
     * types (int64, int32, int8, uint8, ...) as {@code longs}; a tensor whose values live in an
     * external file has neither and {@code external} set.
     */
    public record Tensor(String name, int dataType, long[] dims, float[] floats, long[] longs, boolean external) {
        /** Number of elements the dims call for. */
        public long size() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }

        /** True for float, float16 and double tensors. */
        public boolean isFloat() {
            return floats != null;
        }
    }

    /** ModelProto, GraphProto, NodeProto, AttributeProto and TensorProto field numbers (onnx.proto). */
    private static final int MODEL_PRODUCER = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET = 8;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;

    /**
     * Reads a model.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed ONNX model or have no graph
     */
    public static OnnxNodes read(byte[] model) {
        ProtoReader r = new ProtoReader(model);
        String producer = "";
        String version = "";
        long opset = 0;
        OnnxNodes graph = null;
        while (r.more()) {
            switch (r.tag()) {
                case MODEL_PRODUCER -> producer = r.string();
                case MODEL_PRODUCER_VERSION -> version = r.string();
                case MODEL_OPSET -> {
                    ProtoReader o = r.sub();
                    String domain = "";
                    long v = 0;
                    while (o.more()) {
                        int f = o.tag();
                        if (f == 1) domain = o.string(); else if (f == 2) v = o.varint(); else o.skip();
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) opset = v;
                }
                case MODEL_GRAPH -> graph = graph(r.sub());
                default -> r.skip();
            }
        }
        if (graph == null) throw new IllegalArgumentException("the ONNX model has no graph");
        String p = (producer + " " + version).trim();
        return new OnnxNodes(p, opset, graph.inputs, graph.outputs, graph.nodes, graph.initializers);
    }

    private static OnnxNodes graph(ProtoReader g) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        while (g.more()) {
            switch (g.tag()) {
                case GRAPH_NODE -> nodes.add(node(g.sub(), nodes.size()));
                case GRAPH_INITIALIZER -> {
                    Tensor t = tensor(g.sub());
                    inits.put(t.name(), t);
                }
                case GRAPH_SPARSE_INITIALIZER -> throw new IllegalArgumentException("sparse initializers are not supported");
                case GRAPH_INPUT -> inputs.add(valueInfo(g.sub()));
                case GRAPH_OUTPUT -> outputs.add(valueInfo(g.sub()));
                default -> g.skip();
            }
        }
        return new OnnxNodes("", 0, List.copyOf(inputs), List.copyOf(outputs), List.copyOf(nodes), Collections.unmodifiableMap(inits));
    }

    private static Node node(ProtoReader n, int index) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        String name = "";
        String op = "";
        String domain = "";
        while (n.more()) {
            switch (n.tag()) {
                case 1 -> in.add(n.string());
                case 2 -> out.add(n.string());
                case 3 -> name = n.string();
                case 4 -> op = n.string();
                case 5 -> {
                    Attribute a = attribute(n.sub());
                    attrs.put(a.name(), a);
                }
                case 7 -> domain = n.string();
                default -> n.skip();
            }
        }
        if (domain.equals("ai.onnx")) domain = "";
        return new Node(index, name, op, domain, List.copyOf(in), List.copyOf(out), attrs);
    }

    private static Attribute attribute(ProtoReader a) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        Tensor t = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        while (a.more()) {
            switch (a.tag()) {
                case 1 -> name = a.string();
                case 2 -> f = Float.intBitsToFloat(a.fixed32());
                case 3 -> i = a.varint();
                case 4 -> s = a.string();
                case 5 -> t = tensor(a.sub());
                case 7 -> readFloats(a, floats);
                case 8 -> readVarints(a, ints);
                case 20 -> type = (int) a.varint();
                default -> a.skip();
            }
        }
        float[] fs = new float[floats.size()];
        for (int k = 0; k < fs.length; k++) fs[k] = floats.get(k);
        return new Attribute(name, type, f, i, s, t, fs, ints.stream().mapToLong(Long::longValue).toArray());
    }

    private static void readFloats(ProtoReader r, List<Float> out) {
        if (r.wireType() == 2) {
            ProtoReader p = r.sub();
            while (p.more()) out.add(Float.intBitsToFloat(p.fixed32()));
        } else {
            out.add(Float.intBitsToFloat(r.fixed32()));
        }
    }

    private static void readVarints(ProtoReader r, List<Long> out) {
        if (r.wireType() == 2) {
            ProtoReader p = r.sub();
            while (p.more()) out.add(p.varint());
        } else {
            out.add(r.varint());
        }
    }

    private static void readDoubles(ProtoReader r, List<Double> out) {
        if (r.wireType() == 2) {
            ProtoReader p = r.sub();
            while (p.more()) out.add(Double.longBitsToDouble(fixed64(p)));
        } else {
            out.add(Double.longBitsToDouble(fixed64(r)));
        }
    }

    private static long fixed64(ProtoReader r) {
        long lo = r.fixed32() & 0xFFFFFFFFL;
        long hi = r.fixed32();
        return hi << 32 | lo;
    }

    /** TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10, external_data 13, data_location 14. */
    private static Tensor tensor(ProtoReader t) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floatData = new ArrayList<>();
        List<Long> intData = new ArrayList<>();
        List<Double> doubleData = new ArrayList<>();
        boolean external = false;
        while (t.more()) {
            switch (t.tag()) {
                case 1 -> readVarints(t, dims);
                case 2 -> type = (int) t.varint();
                case 4 -> readFloats(t, floatData);
                case 5, 7 -> readVarints(t, intData);
                case 8 -> name = t.string();
                case 9 -> raw = t.bytes();
                case 10 -> readDoubles(t, doubleData);
                case 13 -> { external = true; t.skip(); }
                case 14 -> external |= t.varint() == 1; // DataLocation.EXTERNAL
                default -> t.skip();
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        if (external) return new Tensor(name, type, d, null, null, true);
        long count = 1;
        for (long x : d) count *= x;
        if (count > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor " + name + " is too large");
        int n = (int) count;
        float[] floats = null;
        long[] longs = null;
        switch (type) {
            case FLOAT -> floats = raw != null ? rawFloats(raw, n, name) : listFloats(floatData, n, name);
            case DOUBLE -> floats = raw != null ? rawDoubles(raw, n, name) : listDoubles(doubleData, n, name);
            case FLOAT16 -> floats = halfFloats(raw != null ? rawShorts(raw, n, name) : listLongs(intData, n, name));
            case INT64 -> longs = raw != null ? rawLongs(raw, n, 8, name) : listLongs(intData, n, name);
            case INT32 -> longs = raw != null ? rawLongs(raw, n, 4, name) : listLongs(intData, n, name);
            case INT8, UINT8 -> longs = raw != null ? rawBytes(raw, n, type == INT8, name) : listLongs(intData, n, name);
            default -> { } // other types: name, type and dims only
        }
        return new Tensor(name, type, d, floats, longs, false);
    }

    private static void checkCount(String name, long have, int want) {
        if (have != want) throw new IllegalArgumentException("tensor " + name + " has " + have + " values for " + want + " elements");
    }

    private static float[] rawFloats(byte[] raw, int n, String name) {
        checkCount(name, raw.length / 4, n);
        float[] v = new float[n];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static float[] rawDoubles(byte[] raw, int n, String name) {
        checkCount(name, raw.length / 8, n);
        float[] v = new float[n];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) v[i] = (float) b.getDouble();
        return v;
    }

    private static long[] rawShorts(byte[] raw, int n, String name) {
        checkCount(name, raw.length / 2, n);
        long[] v = new long[n];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) v[i] = b.getShort() & 0xFFFF;
        return v;
    }

    private static long[] rawLongs(byte[] raw, int n, int width, String name) {
        checkCount(name, raw.length / width, n);
        long[] v = new long[n];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) v[i] = width == 8 ? b.getLong() : b.getInt();
        return v;
    }

    private static long[] rawBytes(byte[] raw, int n, boolean signed, String name) {
        checkCount(name, raw.length, n);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = signed ? raw[i] : raw[i] & 0xFF;
        return v;
    }

    private static float[] listFloats(List<Float> l, int n, String name) {
        checkCount(name, l.size(), n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = l.get(i);
        return v;
    }

    private static float[] listDoubles(List<Double> l, int n, String name) {
        checkCount(name, l.size(), n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (double) l.get(i);
        return v;
    }

    private static long[] listLongs(List<Long> l, int n, String name) {
        checkCount(name, l.size(), n);
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    /** IEEE 754 half precision bits to float (Java 17 has no {@code Float.float16ToFloat}). */
    private static float[] halfFloats(long[] bits) {
        float[] v = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            int h = (int) bits[i];
            int sign = (h >>> 15) & 1;
            int exp = (h >>> 10) & 0x1F;
            int mant = h & 0x3FF;
            float f;
            if (exp == 0) f = (float) (mant * Math.pow(2, -24));
            else if (exp == 31) f = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
            else f = Float.intBitsToFloat((exp + 112) << 23 | mant << 13);
            v[i] = sign == 1 ? -f : f;
        }
        return v;
    }

    private static ValueInfo valueInfo(ProtoReader v) {
        String name = "";
        int elemType = 0;
        List<Long> dims = new ArrayList<>();
        while (v.more()) {
            int f = v.tag();
            if (f == 1) {
                name = v.string();
            } else if (f == 2) {
                ProtoReader type = v.sub();
                while (type.more()) {
                    if (type.tag() != 1) { type.skip(); continue; }
                    ProtoReader tensor = type.sub();
                    while (tensor.more()) {
                        int tf = tensor.tag();
                        if (tf == 1) { elemType = (int) tensor.varint(); continue; }
                        if (tf != 2) { tensor.skip(); continue; }
                        ProtoReader shape = tensor.sub();
                        while (shape.more()) {
                            if (shape.tag() != 1) { shape.skip(); continue; }
                            ProtoReader dim = shape.sub();
                            long d = -1;
                            while (dim.more()) {
                                if (dim.tag() == 1) d = dim.varint(); else dim.skip();
                            }
                            dims.add(d);
                        }
                    }
                }
            } else {
                v.skip();
            }
        }
        return new ValueInfo(name, elemType, dims.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The nodes in an order where every node comes after the producers of its inputs: the file order
     * when it already is one (as ONNX requires), else a stable topological sort.
     *
     * @throws IllegalArgumentException when the graph has a cycle
     */
    public List<Node> topological() {
        Map<String, Node> producer = new HashMap<>();
        for (Node n : nodes) for (String o : n.outputs()) if (!o.isEmpty()) producer.put(o, n);
        if (inFileOrder(producer)) return nodes;
        Map<Node, Integer> waiting = new LinkedHashMap<>();
        Map<Node, List<Node>> consumers = new HashMap<>();
        for (Node n : nodes) {
            int deps = 0;
            for (String in : n.inputs()) {
                Node p = producer.get(in);
                if (p != null && p != n) {
                    deps++;
                    consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                }
            }
            waiting.put(n, deps);
        }
        List<Node> order = new ArrayList<>(nodes.size());
        Deque<Node> ready = new ArrayDeque<>();
        for (Node n : nodes) if (waiting.get(n) == 0) ready.add(n);
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (Node c : consumers.getOrDefault(n, List.of())) {
                int left = waiting.merge(c, -1, Integer::sum);
                if (left == 0) ready.add(c);
            }
        }
        if (order.size() != nodes.size()) throw new IllegalArgumentException("the ONNX graph has a cycle");
        return List.copyOf(order);
    }

    private boolean inFileOrder(Map<String, Node> producer) {
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                Node p = producer.get(in);
                if (p != null && p.index() >= n.index()) return false;
            }
        }
        return true;
    }
}
