package org.sparkimage.model.torch;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * How pickled values appear in messages: Python's type names, and strings from the file quoted
 * safely. The strings come from an untrusted file, so they are shortened and their control
 * characters escaped before they reach a terminal or a log.
 */
final class PyText {
    private static final int MAX_QUOTED = 80;

    private PyText() {
    }

    /** Python's name for the type of an unpickled value ("dict", "str", "tensor", ...). */
    static String typeName(Object value) {
        if (value instanceof PyDict) return "dict";
        if (value instanceof List<?>) return "list";
        if (value instanceof PyTuple) return "tuple";
        if (value instanceof PySet) return "set";
        if (value instanceof String) return "str";
        if (value instanceof Long || value instanceof BigInteger) return "int";
        if (value instanceof Double) return "float";
        if (value instanceof Boolean) return "bool";
        if (value instanceof byte[]) return "bytes";
        if (value == PyNone.NONE) return "None";
        if (value instanceof TensorRef) return "tensor";
        if (value instanceof StorageRef) return "storage";
        if (value instanceof AllowedGlobal g) return "global " + g.qualifiedName();
        if (value instanceof DType t) return "global torch." + t.storageClass();
        return value == null ? "nothing" : value.getClass().getSimpleName();
    }

    /** {@code s} in single quotes, control characters escaped, cut to 80 characters. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("'");
        int n = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) out.append(String.format("\\x%02x", (int) c));
            else out.append(c);
        }
        if (s.length() > MAX_QUOTED) out.append("...");
        return out.append('\'').toString();
    }

    /** A dict key for a message: strings quoted, other keys as Python would print them roughly. */
    static String key(Object key) {
        if (key instanceof String s) return quote(s);
        if (key instanceof Boolean b) return b ? "True" : "False";
        if (key == PyNone.NONE) return "None";
        if (key instanceof Long || key instanceof BigInteger || key instanceof Double) return quote(key.toString());
        return typeName(key);
    }

    /** Up to {@code max} keys of a dict for a message, e.g. "['epoch', 'optimizer']". */
    static String keys(Map<Object, Object> entries, int max) {
        StringBuilder out = new StringBuilder("[");
        int i = 0;
        for (Object key : entries.keySet()) {
            if (i == max) {
                out.append(", ... (").append(entries.size()).append(" in all)");
                break;
            }
            if (i++ > 0) out.append(", ");
            out.append(key(key));
        }
        return out.append(']').toString();
    }
}
