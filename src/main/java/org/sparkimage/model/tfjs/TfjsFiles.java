package org.sparkimage.model.tfjs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;



/**
 * Reads a TF.js layers model: its topology and its weights by name. Accepts the plain format
 * ({@code model.json} + binary shards) and the bundled one that nsfwjs publishes (each file a
 * minified JS module whose export is the JSON object, or the shard as a base64 string).
 *
 * <p>Quantised weights are dequantised as TF.js does: {@code float32(q * scale + min)}.
 */
public final class TfjsFiles {
    private final Map<String, Object> topology;
    private final Map<String, float[]> weights;
    private final Map<String, int[]> shapes;

    private TfjsFiles(Map<String, Object> topology, Map<String, float[]> weights, Map<String, int[]> shapes) {
        this.topology = topology;
        this.weights = weights;
        this.shapes = shapes;
    }

    /**
     * @param modelFile  {@code model.json} or a JS module exporting it
     * @param shardFiles the weight shards in the manifest's order (binary, or JS modules exporting base64)
     */
    @SuppressWarnings("unchecked")
    public static TfjsFiles read(Path modelFile, List<Path> shardFiles) throws IOException {
        Map<String, Object> model = (Map<String, Object>) exportedValue(Files.readString(modelFile, StandardCharsets.UTF_8),
                "modelTopology");
        ByteArrayBuilder bytes = new ByteArrayBuilder();
        for (Path shard : shardFiles) bytes.append(shardBytes(shard));
        Map<String, Object> topology = (Map<String, Object>) model.get("modelTopology");
        List<Object> manifest = (List<Object>) model.get("weightsManifest");
        if (topology == null || manifest == null) throw new IOException(modelFile + " has no modelTopology/weightsManifest");
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        for (Object group : manifest) {
            for (Object w : (List<Object>) ((Map<String, Object>) group).get("weights")) {
                Map<String, Object> entry = (Map<String, Object>) w;
                String name = (String) entry.get("name");
                List<Object> shapeList = (List<Object>) entry.get("shape");
                int[] shape = shapeList.stream().mapToInt(o -> ((Double) o).intValue()).toArray();
                int n = 1;
                for (int d : shape) n *= d;
                if (!"float32".equals(entry.get("dtype"))) throw new IOException(name + ": dtype " + entry.get("dtype") + " is not supported");
                weights.put(name, decode(buf, n, (Map<String, Object>) entry.get("quantization"), name));
                shapes.put(name, shape);
            }
        }
        if (buf.hasRemaining()) throw new IOException("weight shards have " + buf.remaining() + " bytes the manifest does not describe");
        return new TfjsFiles(topology, weights, shapes);
    }

    private static float[] decode(ByteBuffer buf, int n, Map<String, Object> quantization, String name) throws IOException {
        float[] out = new float[n];
        if (buf.remaining() < (long) n * (quantization == null ? 4 : 1)) throw new IOException("weight shards end inside " + name);
        if (quantization == null) {
            buf.asFloatBuffer().get(out);
            buf.position(buf.position() + 4 * n);
            return out;
        }
        if (!"uint8".equals(quantization.get("dtype"))) {
            throw new IOException(name + ": quantisation " + quantization.get("dtype") + " is not supported");
        }
        double min = (Double) quantization.get("min");
        double scale = (Double) quantization.get("scale");
        for (int i = 0; i < n; i++) out[i] = (float) ((buf.get() & 0xFF) * scale + min);
        return out;
    }

    private static byte[] shardBytes(Path shard) throws IOException {
        byte[] raw = Files.readAllBytes(shard);
        String head = new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.ISO_8859_1);
        if (!head.contains("exports")) return raw;
        Object v = exportedValue(new String(raw, StandardCharsets.ISO_8859_1), null);
        return Base64.getDecoder().decode((String) v);
    }

    /**
     * The exported value of a bundled JS module: the first {@code exports=} whose right-hand side is
     * a literal (a map containing {@code requiredKey}, or a string when that is null). Plain JSON
     * documents are returned as they are.
     */
    private static Object exportedValue(String text, String requiredKey) throws IOException {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) return LenientJson.parse(trimmed);
        for (int i = text.indexOf("exports="); i >= 0; i = text.indexOf("exports=", i + 1)) {
            int start = i + "exports=".length();
            char c = text.charAt(start);
            if (c != '{' && c != '"') continue;
            Object v = LenientJson.parseAt(text, start);
            if (requiredKey == null ? v instanceof String : v instanceof Map<?, ?> m && m.containsKey(requiredKey)) return v;
        }
        throw new IOException("no exported " + (requiredKey == null ? "string" : "object with '" + requiredKey + "'") + " found");
    }

    public Map<String, Object> topology() {
        return topology;
    }

    /** A weight by its TF.js name (e.g. {@code Conv1/kernel}), in TF layout. */
    public float[] weight(String name) {
        float[] w = weights.get(name);
        if (w == null) throw new IllegalArgumentException("the model has no weight '" + name + "'");
        return w;
    }

    public int[] shape(String name) {
        weight(name);
        return shapes.get(name).clone();
    }

    public int weightCount() {
        return weights.size();
    }

    private static final class ByteArrayBuilder extends java.io.ByteArrayOutputStream {
        void append(byte[] b) {
            write(b, 0, b.length);
        }
    }
}
