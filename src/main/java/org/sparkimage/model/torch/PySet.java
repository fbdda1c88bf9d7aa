package org.sparkimage.model.torch;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Python set or frozenset (EMPTY_SET/ADDITEMS, FROZENSET). Checkpoints rarely hold one; it is
 * read so that such a value elsewhere in a checkpoint does not stop the state_dict being found.
 */
final class PySet {
    private final Set<Object> items = new LinkedHashSet<>();

    /** Adds {@code item}, made hashable by {@link PyKeys}. */
    void add(Object item) {
        if (items.size() >= Limits.MAX_CONTAINER) {
            throw new CheckpointException("data.pkl builds a set of more than " + Limits.MAX_CONTAINER + " items");
        }
        items.add(PyKeys.hashable(item));
    }

    /** Number of items. */
    int size() {
        return items.size();
    }
}
