package org.sparkimage.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The TF.js object-literal reader: its extensions, and an IllegalArgumentException for anything malformed. */
class LenientJsonTest {
    @Test
    void readsTheObjectLiteralExtensionsOfMinifiedModelFiles() {
        assertEquals(Map.of("a", List.of(0.25, true, false), "b", "x"), LenientJson.parse("{a:[.25,!0,!1],'b':\"x\"}"));
    }

    @Test
    void inputThatEndsEarlyIsAnIllegalArgumentNotAnIndexError() {
        for (String cut : List.of("{", "{a:", "{a:1", "[1,", "\"abc", "\"\\", "\"\\u12", "{a:1,", "[")) {
            assertThrows(IllegalArgumentException.class, () -> LenientJson.parse(cut), cut);
        }
    }

    @Test
    void deepNestingIsRefusedBeforeTheStackOverflows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LenientJson.parse("[".repeat(100_000)));
        assertEquals(true, e.getMessage().contains("nested deeper"), e.getMessage());
        assertEquals(List.of(List.of(List.of())), LenientJson.parse("[[[]]]"));
    }

    @Test
    void badNumbersAndEscapesAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> LenientJson.parse("[1e+e]"));
        assertThrows(IllegalArgumentException.class, () -> LenientJson.parse("\"\\uzzzz\""));
    }
}
