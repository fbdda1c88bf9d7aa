package org.sparkimage.model.torch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a value used as a dict key or set item into a Java object with the right equality, and
 * refuses those that could make hashing slow or endless. Checkpoints key their dicts by strings
 * and ints; what is accepted beyond that (floats, bools, None, bytes, short flat tuples of those)
 * is what plain Python data may use. Containers, tensors and globals are refused: their Java
 * equality would be identity or, for cyclic structures, recurse without end.
 */
final class PyKeys {
    private PyKeys() {
    }

    /** The hashable form of {@code value}; CheckpointException when it cannot be a key. */
    static Object hashable(Object value) {
        if (isScalar(value)) return value;
        if (value instanceof byte[] bytes) return ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
        if (value instanceof PyTuple tuple) return flatTuple(tuple);
        throw new CheckpointException("data.pkl uses a " + PyText.typeName(value)
                + " as a dict key or set item; only strings, numbers and short tuples of them are supported");
    }

    private static boolean isScalar(Object value) {
        return value instanceof String || value instanceof Long || value instanceof BigInteger
                || value instanceof Double || value instanceof Boolean || value == PyNone.NONE;
    }

    /** A tuple key as an immutable list: content equality, bounded cost, no nesting (so no cycles). */
    private static List<Object> flatTuple(PyTuple tuple) {
        if (tuple.size() > Limits.MAX_KEY_TUPLE) {
            throw new CheckpointException("data.pkl uses a tuple of " + tuple.size() + " items as a dict key; at most "
                    + Limits.MAX_KEY_TUPLE + " are supported");
        }
        List<Object> items = new ArrayList<>(tuple.size());
        for (Object item : tuple.items()) {
            if (!isScalar(item)) {
                throw new CheckpointException("data.pkl uses a tuple holding a " + PyText.typeName(item)
                        + " as a dict key; only tuples of strings and numbers are supported");
            }
            items.add(item);
        }
        return List.copyOf(items);
    }
}
