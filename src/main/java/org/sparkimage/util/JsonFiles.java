package org.sparkimage.util;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The project's JSON, through the Jackson that Spark ships: model cards, {@code summary.json},
 * {@code bench.json} and the gallery's run info. One configuration, so that every file this
 * project writes has the same layout: two-space indentation, {@code "key": value}, arrays on one
 * line, a final newline. That layout is also what the cards embedded in the shipped model's
 * metadata were written with, so a card read and written again is byte-identical.
 *
 * <p>Reading is Jackson's strict parser with its default limits (nesting depth 1000, string and
 * number lengths): a truncated or hostile document is a {@link JsonProcessingException}, never a
 * stack overflow.
 */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance));
    private static final ObjectWriter COMPACT = MAPPER.writer();

    private JsonFiles() {}

    /**
     * Parses a document into a tree.
     *
     * @throws JsonProcessingException when the text is not one complete JSON value
     */
    public static JsonNode parse(String json) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(json);
        if (node == null || node.isMissingNode()) throw new JsonProcessingException("empty JSON document") {};
        return node;
    }

    /** Maps, lists, strings, numbers, arrays, booleans and null in the project's layout, with a final newline. */
    public static String writePretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // only plain values are written
        }
    }

    /** The same values as one compact line (ONNX metadata). */
    public static String writeCompact(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
