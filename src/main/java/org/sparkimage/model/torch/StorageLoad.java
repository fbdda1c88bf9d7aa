package org.sparkimage.model.torch;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * BINPERSID: torch's persistent id for a storage, {@code ('storage', <storage class>, key,
 * location, numel)}. Only that shape is accepted; the key becomes a zip record name, so it is
 * restricted to the characters torch uses (it writes decimal numbers).
 */
final class StorageLoad {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private StorageLoad() {
    }

    /** The storage that {@code pid} names. */
    static StorageRef load(Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw new CheckpointException("data.pkl has a persistent id that is not a torch storage"
                    + " ('storage', type, key, location, size): a " + PyText.typeName(pid));
        }
        if (!(t.get(1) instanceof DType dtype)) {
            throw new CheckpointException("data.pkl has a storage whose type is a " + PyText.typeName(t.get(1))
                    + ", not a torch storage class");
        }
        if (!(t.get(2) instanceof String key) || !KEY.matcher(key).matches()) {
            String shown = t.get(2) instanceof String s ? PyText.quote(s) : "a " + PyText.typeName(t.get(2));
            throw new CheckpointException("data.pkl names a storage record " + shown
                    + "; torch names them with numbers");
        }
        if (!(t.get(3) instanceof String)) {
            throw new CheckpointException("data.pkl has storage " + PyText.quote(key) + " with a location that is a "
                    + PyText.typeName(t.get(3)) + ", not a device name");
        }
        return new StorageRef(dtype, key, count(t.get(4), "the element count of storage " + PyText.quote(key)));
    }

    /** A non-negative int from the pickle, or a message naming {@code what}. */
    static long count(Object value, String what) {
        if (value instanceof Long n) {
            if (n < 0) throw new CheckpointException("data.pkl declares " + what + " as " + n + ": negative");
            return n;
        }
        if (value instanceof BigInteger) {
            throw new CheckpointException("data.pkl declares " + what + " as " + value + ": too large");
        }
        throw new CheckpointException("data.pkl declares " + what + " as a " + PyText.typeName(value) + ", not an int");
    }
}
