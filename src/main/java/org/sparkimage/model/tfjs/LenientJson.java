package org.sparkimage.model.tfjs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader for minified TF.js model files, which are JavaScript object literals rather than JSON:
 * unquoted keys, {@code !0}/{@code !1} booleans, numbers without a leading zero ({@code .25}). No
 * JSON library reads them; everything else in the project reads JSON through Jackson
 * ({@link org.sparkimage.util.JsonFiles}).
 *
 * <p>Values map to: object -> {@code LinkedHashMap<String,Object>}, array -> {@code List<Object>},
 * number -> {@code Double} (exactly as {@link Double#parseDouble} reads it), string, Boolean, null.
 * Any malformed input, including input that ends early or nests deeper than
 * {@value #MAX_DEPTH} levels, is an {@link IllegalArgumentException}.
 */
final class LenientJson {
    /** Deepest nesting accepted; a model file nests a handful of levels. */
    static final int MAX_DEPTH = 256;

    private final String s;
    private int pos;
    private int depth;

    private LenientJson(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    /** Parses one complete JSON document. */
    static Object parse(String text) {
        LenientJson p = new LenientJson(text, 0);
        Object v = p.value();
        p.skipWs();
        if (p.pos != text.length()) throw p.error("trailing characters");
        return v;
    }

    /** Parses the value that starts at {@code offset} and ignores what follows it. */
    static Object parseAt(String text, int offset) {
        return new LenientJson(text, offset).value();
    }

    private Object value() {
        skipWs();
        if (pos >= s.length()) throw error("unexpected end");
        char c = s.charAt(pos);
        switch (c) {
            case '{': return nested(true);
            case '[': return nested(false);
            case '"': case '\'': return string();
            case '!':
                if (s.startsWith("!0", pos)) { pos += 2; return Boolean.TRUE; }
                if (s.startsWith("!1", pos)) { pos += 2; return Boolean.FALSE; }
                throw error("unexpected '!'");
            default:
                if (s.startsWith("true", pos)) { pos += 4; return Boolean.TRUE; }
                if (s.startsWith("false", pos)) { pos += 5; return Boolean.FALSE; }
                if (s.startsWith("null", pos)) { pos += 4; return null; }
                return number();
        }
    }

    private Object nested(boolean object) {
        if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
        Object v = object ? object() : array();
        depth--;
        return v;
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        skipWs();
        if (peek() == '}') { pos++; return m; }
        while (true) {
            skipWs();
            String key = (peek() == '"' || peek() == '\'') ? string() : identifier();
            skipWs();
            expect(':');
            m.put(key, value());
            skipWs();
            char c = next();
            if (c == '}') return m;
            if (c != ',') throw error("expected ',' or '}'");
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        pos++;
        skipWs();
        if (peek() == ']') { pos++; return list; }
        while (true) {
            list.add(value());
            skipWs();
            char c = next();
            if (c == ']') return list;
            if (c != ',') throw error("expected ',' or ']'");
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '$')) pos++;
        if (start == pos) throw error("expected a key");
        return s.substring(start, pos);
    }

    private String string() {
        char quote = s.charAt(pos++);
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == quote) return b.toString();
            if (c != '\\') { b.append(c); continue; }
            char e = next();
            switch (e) {
                case 'n': b.append('\n'); break;
                case 't': b.append('\t'); break;
                case 'r': b.append('\r'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'u': b.append(unicodeEscape()); break;
                default: b.append(e);
            }
        }
    }

    private Double number() {
        int start = pos;
        while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
        if (start == pos) throw error("unexpected character '" + s.charAt(pos) + "'");
        try {
            return Double.parseDouble(s.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number '" + s.substring(start, pos) + "'");
        }
    }

    private char unicodeEscape() {
        if (pos + 4 > s.length()) throw error("unexpected end");
        try {
            char c = (char) Integer.parseInt(s.substring(pos, pos + 4), 16);
            pos += 4;
            return c;
        } catch (NumberFormatException e) {
            throw error("bad \\u escape");
        }
    }

    /** The next character, consumed. */
    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void skipWs() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private char peek() {
        if (pos >= s.length()) throw error("unexpected end");
        return s.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + pos);
    }
}
