package org.sparkimage.model.torch;

/**
 * Every bound the reader enforces, in one place. A checkpoint comes from anywhere, so each
 * quantity a file declares is checked against one of these (or against the bytes really in the
 * file) before anything is allocated for it: a hostile file gets a {@link CheckpointException},
 * never a hang, an OutOfMemoryError or a StackOverflowError.
 */
final class Limits {
    /**
     * Largest data.pkl read. A ResNet-152 state_dict's pickle is about 100 KB and a checkpoint
     * with Adam's state three times that; 32 MiB leaves room for models with many thousands of
     * tensors while keeping the unpickler's memory (a few bytes of objects per pickle byte) small.
     */
    static final int MAX_PICKLE_BYTES = 32 << 20;
    /** Opcodes executed; every opcode is at least one byte, so this only restates the size bound. */
    static final int MAX_OPS = MAX_PICKLE_BYTES;
    /** Values on the unpickler's stack at once. */
    static final int MAX_STACK = 1 << 20;
    /** Memo entries (BINPUT/MEMOIZE). */
    static final int MAX_MEMO = 1 << 20;
    /** Open MARKs: the nesting depth of tuples, lists and dicts being built. */
    static final int MAX_DEPTH = 1000;
    /** Items in one list, dict or set. */
    static final int MAX_CONTAINER = 1 << 24;
    /** Items of a tuple used as a dict key or set item (hashing it is linear in this). */
    static final int MAX_KEY_TUPLE = 16;
    /** Bytes of a GLOBAL line (module or name). */
    static final int MAX_GLOBAL_LINE = 256;
    /** Bytes of a LONG1/LONG4 integer; Python only uses LONG4 beyond 255 bytes. */
    static final int MAX_LONG_BYTES = 256;
    /** Tensor dimensions (torch itself allows 64; image models use at most 5). */
    static final int MAX_DIMS = 32;
    /** Elements one {@code floats()} call returns: 2 GiB of float32. */
    static final int MAX_FLOATS = 1 << 29;
    /** Bytes of the byteorder record ("little" or "big"). */
    static final int MAX_SMALL_RECORD = 64;

    private Limits() {
    }
}
