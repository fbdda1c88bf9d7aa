package org.sparkimage.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON documents (summary.json, bench.json, expected.jsonl) as plain values for assertions: object
 * -> {@code Map<String,Object>}, array -> {@code List<Object>}, every number -> {@code Double}.
 */
public final class TestJson {
    private TestJson() {}

    /** Parses one document; a malformed one fails the test. */
    public static Object parse(String json) {
        try {
            return plain(JsonFiles.parse(json));
        } catch (JsonProcessingException e) {
            throw new AssertionError("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(v -> l.add(plain(v)));
            return l;
        }
        if (n.isNumber()) return n.doubleValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isNull()) return null;
        return n.asText();
    }
}
