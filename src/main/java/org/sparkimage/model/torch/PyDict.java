package org.sparkimage.model.torch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python dict or OrderedDict, in insertion order (as both are since Python 3.7, and as
 * state_dict keys must stay). Keys are the hashable forms {@link PyKeys} makes; identity equality
 * for the same reason as {@link PyTuple}.
 */
final class PyDict {
    private final Map<Object, Object> entries = new LinkedHashMap<>();

    /** Sets {@code key} (already made hashable) to {@code value}; a new key goes last. */
    void put(Object key, Object value) {
        if (entries.size() >= Limits.MAX_CONTAINER && !entries.containsKey(key)) {
            throw new CheckpointException("data.pkl builds a dict of more than " + Limits.MAX_CONTAINER + " items");
        }
        entries.put(key, value);
    }

    /** The value under {@code key}, or null. */
    Object get(Object key) {
        return entries.get(key);
    }

    /** The entries in insertion order, unmodifiable. */
    Map<Object, Object> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** Number of entries. */
    int size() {
        return entries.size();
    }
}
