package org.sparkimage.model.torch;

import java.util.List;

/**
 * A Python tuple: kept apart from lists because REDUCE and BINPERSID take tuples. Identity
 * equality on purpose: a tuple can hold a list that holds the tuple again (memo references make
 * cycles), so content equality could recurse forever. Tuples used as dict keys go through
 * {@link PyKeys}, which checks them first.
 */
final class PyTuple {
    /** The empty tuple, shared (EMPTY_TUPLE is one byte; no allocation per occurrence). */
    static final PyTuple EMPTY = new PyTuple(List.of());

    private final List<Object> items;

    PyTuple(List<Object> items) {
        this.items = List.copyOf(items);
    }

    /** The items, unmodifiable. */
    List<Object> items() {
        return items;
    }

    /** Number of items. */
    int size() {
        return items.size();
    }

    /** Item {@code i}. */
    Object get(int i) {
        return items.get(i);
    }
}
