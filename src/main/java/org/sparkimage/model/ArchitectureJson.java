package org.sparkimage.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.sparkimage.util.JsonFiles;

/**
 * A {@link MobileNetV2Spec} as the compact JSON written into every model's {@code architecture}
 * metadata, and back: a model this project wrote can be rebuilt (e.g. quantized) from its own bytes.
 */
public final class ArchitectureJson {
    private ArchitectureJson() {}

    /**
     * The spec with keys in a fixed order and an integral width written as an integer
     * ({@code "width":1}), so the same spec always gives the same bytes.
     */
    public static String write(MobileNetV2Spec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", "MobileNetV2");
        double width = spec.width();
        m.put("width", width == Math.rint(width) ? (Object) (long) width : (Object) width);
        m.put("resolution", spec.resolution());
        m.put("padding", spec.padding().name());
        // Written only for the seed rule: models with the default rule keep the bytes they always had
        // (scripts/import-default-model.sh checks the shipped model byte for byte); absent means DIVISIBLE8.
        if (spec.channels() != ChannelRule.DIVISIBLE8) m.put("channels", spec.channels().name());
        List<Object> head = new ArrayList<>();
        for (Head.DenseLayer d : spec.head().layers()) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("activation", d.activation().name());
            layer.put("units", d.units());
            head.add(layer);
        }
        m.put("head", head);
        m.put("params", spec.params());
        m.put("macs", spec.macs());
        return JsonFiles.writeCompact(m);
    }

    /**
     * The spec {@link #write} wrote.
     *
     * @throws IllegalArgumentException when the JSON is not a MobileNetV2 architecture
     */
    public static MobileNetV2Spec read(String json) {
        JsonNode m;
        try {
            m = JsonFiles.parse(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("architecture metadata is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!"MobileNetV2".equals(m.path("family").asText())) {
            throw new IllegalArgumentException("architecture is not MobileNetV2: " + m.path("family").asText("(none)"));
        }
        List<Head.DenseLayer> head = new ArrayList<>();
        for (JsonNode d : m.path("head")) {
            head.add(new Head.DenseLayer(required(d, "units").asInt(),
                    Activation.valueOf(required(d, "activation").asText().toUpperCase(Locale.ROOT))));
        }
        ChannelRule channels = m.hasNonNull("channels")
                ? ChannelRule.valueOf(m.get("channels").asText().toUpperCase(Locale.ROOT)) : ChannelRule.DIVISIBLE8;
        return new MobileNetV2Spec(required(m, "width").asDouble(), required(m, "resolution").asInt(), new Head(head),
                Padding.valueOf(required(m, "padding").asText().toUpperCase(Locale.ROOT)), channels);
    }

    private static JsonNode required(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) throw new IllegalArgumentException("architecture metadata lacks '" + key + "'");
        return v;
    }
}
