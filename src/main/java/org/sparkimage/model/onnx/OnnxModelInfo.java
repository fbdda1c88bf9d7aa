package org.sparkimage.model.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an ONNX file declares, read straight from its protobuf bytes (independently of the writer
 * and of ONNX Runtime): opset, inputs/outputs with their dims, node op types, initializer sizes
 * and metadata. Used to check written models and to describe user-supplied ones.
 */
public record OnnxModelInfo(
        long irVersion,
        long opset,
        List<ValueInfo> inputs,
        List<ValueInfo> outputs,
        List<String> opTypes,
        Map<String, Long> initializerSizes,
        Map<String, String> metadata) {

    /** A graph input or output: name and dims, where a symbolic dim is given by its name. */
    public record ValueInfo(String name, List<String> dims) {}

    public long initializerElements() {
        return initializerSizes.values().stream().mapToLong(Long::longValue).sum();
    }

    public static OnnxModelInfo read(byte[] model) {
        ProtoReader r = new ProtoReader(model);
        long ir = 0;
        long opset = 0;
        Map<String, String> meta = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        Map<String, Long> inits = new LinkedHashMap<>();
        while (r.more()) {
            int field = r.tag();
            switch (field) {
                case 1 -> ir = r.varint();
                case 8 -> {
                    ProtoReader o = r.sub();
                    String domain = "";
                    long version = 0;
                    while (o.more()) {
                        int f = o.tag();
                        if (f == 1) domain = o.string(); else if (f == 2) version = o.varint(); else o.skip();
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) opset = version;
                }
                case 14 -> {
                    ProtoReader e = r.sub();
                    String k = "";
                    String v = "";
                    while (e.more()) {
                        int f = e.tag();
                        if (f == 1) k = e.string(); else if (f == 2) v = e.string(); else e.skip();
                    }
                    meta.put(k, v);
                }
                case 7 -> {
                    ProtoReader g = r.sub();
                    while (g.more()) {
                        int f = g.tag();
                        switch (f) {
                            case 1 -> ops.add(opType(g.sub()));
                            case 5 -> initializer(g.sub(), inits);
                            case 11 -> inputs.add(valueInfo(g.sub()));
                            case 12 -> outputs.add(valueInfo(g.sub()));
                            default -> g.skip();
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new OnnxModelInfo(ir, opset, List.copyOf(inputs), List.copyOf(outputs), List.copyOf(ops),
                Map.copyOf(inits), Map.copyOf(meta));
    }

    private static String opType(ProtoReader n) {
        String op = "";
        while (n.more()) {
            if (n.tag() == 4) op = n.string(); else n.skip();
        }
        return op;
    }

    private static void initializer(ProtoReader t, Map<String, Long> inits) {
        long count = 1;
        String name = "";
        while (t.more()) {
            int f = t.tag();
            if (f == 1) {
                if (t.wireType() == 2) {
                    ProtoReader packed = t.sub();
                    while (packed.more()) count *= packed.varint();
                } else {
                    count *= t.varint();
                }
            } else if (f == 8) {
                name = t.string();
            } else {
                t.skip();
            }
        }
        inits.put(name, count);
    }

    private static ValueInfo valueInfo(ProtoReader v) {
        String name = "";
        List<String> dims = new ArrayList<>();
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
                        if (tensor.tag() != 2) { tensor.skip(); continue; }
                        ProtoReader shape = tensor.sub();
                        while (shape.more()) {
                            if (shape.tag() != 1) { shape.skip(); continue; }
                            ProtoReader dim = shape.sub();
                            String d = "?";
                            while (dim.more()) {
                                int df = dim.tag();
                                if (df == 1) d = Long.toString(dim.varint()); else if (df == 2) d = dim.string(); else dim.skip();
                            }
                            dims.add(d);
                        }
                    }
                }
            } else {
                v.skip();
            }
        }
        return new ValueInfo(name, List.copyOf(dims));
    }
}
