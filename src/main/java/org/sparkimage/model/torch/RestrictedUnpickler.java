package org.sparkimage.model.torch;

import static org.sparkimage.model.torch.PickleOpcodes.*;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An unpickler for the data a state_dict checkpoint holds, and nothing else: it builds plain
 * values (None, bools, ints, floats, strings, bytes, tuples, lists, dicts, sets), storages and
 * tensors, and knows three callables by constant ({@link AllowedGlobal}) plus the storage
 * classes. It never looks a name up, loads a class or calls code from the file: a GLOBAL outside
 * that list, and any opcode that builds arbitrary objects (NEWOBJ, INST, OBJ, EXT*), refuse the
 * file.
 *
 * <p>It runs as Python 3's unpickler does (a MARK starts a fresh stack, so code after a MARK
 * cannot reach below it), iteratively, with every count bounded by {@link Limits}; all work is
 * linear in the size of the pickle.
 */
final class RestrictedUnpickler {
    private static final int HIGHEST_PROTOCOL = 5;

    private final PickleInput in;
    private final List<List<Object>> metastack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private List<Object> stack = new ArrayList<>();
    private int opStart;

    private RestrictedUnpickler(byte[] pickle) {
        this.in = new PickleInput(pickle);
    }

    /** The value {@code pickle} holds; CheckpointException for anything outside the supported subset. */
    static Object load(byte[] pickle) {
        if (pickle.length > Limits.MAX_PICKLE_BYTES) {
            throw new CheckpointException("data.pkl is " + pickle.length + " bytes, more than the "
                    + Limits.MAX_PICKLE_BYTES + " a state_dict's pickle needs");
        }
        return new RestrictedUnpickler(pickle).run();
    }

    private Object run() {
        for (int ops = 0; ops < Limits.MAX_OPS; ops++) {
            opStart = in.position();
            if (in.remaining() == 0) throw malformed("it ends without a STOP opcode (truncated?)");
            int op = in.u8();
            if (op == STOP) return pop();
            if (!(scalar(op) || container(op) || memoOrStack(op) || call(op))) throw unsupported(op);
        }
        throw new CheckpointException("data.pkl runs more than " + Limits.MAX_OPS + " opcodes");
    }

    /** Opcodes that push one plain value read from the stream (or only set up the stream). */
    private boolean scalar(int op) {
        switch (op) {
            case PROTO -> protocol(in.u8());
            case FRAME -> frame(in.s64());
            case NONE -> push(PyNone.NONE);
            case NEWTRUE -> push(Boolean.TRUE);
            case NEWFALSE -> push(Boolean.FALSE);
            case BININT -> push((long) in.s32());
            case BININT1 -> push((long) in.u8());
            case BININT2 -> push((long) in.u16());
            case LONG1 -> push(longValue(in.u8()));
            case LONG4 -> push(longValue(in.s32()));
            case BINFLOAT -> push(in.f64be());
            case BINUNICODE -> push(in.utf8(in.u32()));
            case SHORT_BINUNICODE -> push(in.utf8(in.u8()));
            case BINUNICODE8 -> push(in.utf8(in.s64()));
            case BINSTRING -> push(in.latin1(in.s32()));
            case SHORT_BINSTRING -> push(in.latin1(in.u8()));
            case BINBYTES -> push(in.bytes(in.u32()));
            case SHORT_BINBYTES -> push(in.bytes(in.u8()));
            case BINBYTES8, BYTEARRAY8 -> push(in.bytes(in.s64()));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Opcodes that build tuples, lists, dicts and sets. */
    private boolean container(int op) {
        switch (op) {
            case MARK -> mark();
            case EMPTY_TUPLE -> push(PyTuple.EMPTY);
            case TUPLE -> push(new PyTuple(popMark()));
            case TUPLE1, TUPLE2, TUPLE3 -> push(new PyTuple(popN(op - TUPLE1 + 1)));
            case EMPTY_LIST -> push(new ArrayList<>());
            case LIST -> push(new ArrayList<>(popMark()));
            case APPEND -> append(List.of(pop()));
            case APPENDS -> append(popMark());
            case EMPTY_DICT -> push(new PyDict());
            case DICT -> push(setItems(new PyDict(), popMark()));
            case SETITEM -> setItems(popN(2));
            case SETITEMS -> setItems(popMark());
            case EMPTY_SET -> push(new PySet());
            case ADDITEMS -> addItems(popMark());
            case FROZENSET -> push(addItems(new PySet(), popMark()));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Memo and plain stack opcodes. */
    private boolean memoOrStack(int op) {
        switch (op) {
            case BINPUT -> put(in.u8());
            case LONG_BINPUT -> put(in.u32());
            case MEMOIZE -> put(memo.size());
            case BINGET -> push(get(in.u8()));
            case LONG_BINGET -> push(get(in.u32()));
            case POP -> popOrMark();
            case POP_MARK -> popMark();
            case DUP -> push(peek());
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The opcodes that name or call something: the only place the allow-list applies. */
    private boolean call(int op) {
        switch (op) {
            case GLOBAL -> push(AllowedGlobal.resolve(in.line(Limits.MAX_GLOBAL_LINE), in.line(Limits.MAX_GLOBAL_LINE)));
            case STACK_GLOBAL -> stackGlobal();
            case REDUCE -> reduce();
            case BUILD -> build();
            case BINPERSID -> push(StorageLoad.load(pop()));
            default -> {
                return false;
            }
        }
        return true;
    }

    private void protocol(int version) {
        if (version > HIGHEST_PROTOCOL) {
            throw new CheckpointException("data.pkl uses pickle protocol " + version + "; this reader knows 0 to "
                    + HIGHEST_PROTOCOL);
        }
    }

    /** FRAME only announces how many bytes follow; the check keeps a lying length from passing silently. */
    private void frame(long length) {
        if (length < 0 || length > in.remaining()) throw malformed("a FRAME of " + length + " bytes runs past the end");
    }

    /** LONG1/LONG4: little-endian two's complement of {@code n} bytes. */
    private Object longValue(int n) {
        if (n < 0 || n > Limits.MAX_LONG_BYTES) {
            throw malformed("an integer of " + n + " bytes; at most " + Limits.MAX_LONG_BYTES + " are supported");
        }
        byte[] little = in.bytes(n);
        if (n == 0) return 0L;
        byte[] big = new byte[n];
        for (int i = 0; i < n; i++) big[i] = little[n - 1 - i];
        BigInteger value = new BigInteger(big);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private void mark() {
        if (metastack.size() >= Limits.MAX_DEPTH) {
            throw new CheckpointException("data.pkl nests deeper than " + Limits.MAX_DEPTH + " levels");
        }
        metastack.add(stack);
        stack = new ArrayList<>();
    }

    /** The items pushed since the last MARK, which is removed. */
    private List<Object> popMark() {
        if (metastack.isEmpty()) throw malformed("an opcode needs a MARK and there is none");
        List<Object> items = stack;
        stack = metastack.remove(metastack.size() - 1);
        return items;
    }

    /** POP: Python drops the last MARK when nothing was pushed since it. */
    private void popOrMark() {
        if (stack.isEmpty()) popMark();
        else pop();
    }

    private void push(Object value) {
        if (stack.size() >= Limits.MAX_STACK) {
            throw new CheckpointException("data.pkl keeps more than " + Limits.MAX_STACK + " values on its stack");
        }
        stack.add(value);
    }

    private Object pop() {
        if (stack.isEmpty()) throw malformed("an opcode needs a value and the stack is empty");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) throw malformed("an opcode needs a value and the stack is empty");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        if (stack.size() < n) throw malformed("an opcode needs " + n + " values and the stack has " + stack.size());
        List<Object> top = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return top;
    }

    @SuppressWarnings("unchecked")
    private void append(List<Object> items) {
        if (!(peek() instanceof List<?> list)) throw malformed("APPEND to a " + PyText.typeName(peek()) + ", not a list");
        if (list.size() + (long) items.size() > Limits.MAX_CONTAINER) {
            throw new CheckpointException("data.pkl builds a list of more than " + Limits.MAX_CONTAINER + " items");
        }
        ((List<Object>) list).addAll(items);
    }

    /** SETITEM(S): the keys and values are popped first, then the dict is the value under them. */
    private void setItems(List<Object> keysAndValues) {
        if (!(peek() instanceof PyDict dict)) throw malformed("SETITEM on a " + PyText.typeName(peek()) + ", not a dict");
        setItems(dict, keysAndValues);
    }

    private PyDict setItems(PyDict dict, List<Object> keysAndValues) {
        if (keysAndValues.size() % 2 != 0) throw malformed("a dict is given a key without a value");
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            dict.put(PyKeys.hashable(keysAndValues.get(i)), keysAndValues.get(i + 1));
        }
        return dict;
    }

    /** ADDITEMS: the items are popped first, then the set is the value under them. */
    private void addItems(List<Object> items) {
        if (!(peek() instanceof PySet set)) throw malformed("ADDITEMS on a " + PyText.typeName(peek()) + ", not a set");
        addItems(set, items);
    }

    private PySet addItems(PySet set, List<Object> items) {
        for (Object item : items) set.add(item);
        return set;
    }

    private void put(long index) {
        if (memo.size() >= Limits.MAX_MEMO && !memo.containsKey(index)) {
            throw new CheckpointException("data.pkl memoizes more than " + Limits.MAX_MEMO + " values");
        }
        memo.put(index, peek());
    }

    private Object get(long index) {
        Object value = memo.get(index);
        if (value == null) throw malformed("memo entry " + index + " is read before it is written");
        return value;
    }

    private void stackGlobal() {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
            throw malformed("STACK_GLOBAL needs two strings, got a " + PyText.typeName(module) + " and a "
                    + PyText.typeName(name));
        }
        push(AllowedGlobal.resolve(m, n));
    }

    /** REDUCE: calls one of the allowed callables with a tuple of arguments. */
    private void reduce() {
        Object args = pop();
        Object callable = pop();
        if (!(args instanceof PyTuple tuple)) throw malformed("REDUCE with a " + PyText.typeName(args) + " of arguments");
        if (callable == AllowedGlobal.ORDERED_DICT) {
            // torch pickles OrderedDict() empty and fills it with SETITEMS; other forms are not data.
            if (tuple.size() != 0) throw new CheckpointException("data.pkl calls OrderedDict with arguments; torch never does");
            push(new PyDict());
        } else if (callable == AllowedGlobal.REBUILD_TENSOR_V2) {
            push(TensorRebuild.tensor(tuple));
        } else if (callable == AllowedGlobal.REBUILD_PARAMETER) {
            push(TensorRebuild.parameter(tuple));
        } else {
            throw new CheckpointException("data.pkl calls a " + PyText.typeName(callable)
                    + "; only OrderedDict and torch's tensor rebuilders may be called");
        }
    }

    /**
     * BUILD: torch sets attributes on the state_dict OrderedDict (its {@code _metadata}: module
     * versions). They carry no tensors, so the state is dropped; BUILD on anything else is refused.
     */
    private void build() {
        Object state = pop();
        Object target = peek();
        if (!(target instanceof PyDict)) {
            throw new CheckpointException("data.pkl sets the state of a " + PyText.typeName(target) + " (BUILD with a "
                    + PyText.typeName(state) + "); only a state_dict's own attributes are accepted");
        }
    }

    private CheckpointException malformed(String what) {
        return new CheckpointException("data.pkl is malformed at byte " + opStart + ": " + what);
    }

    private CheckpointException unsupported(int op) {
        if (!PickleOpcodes.isKnown(op)) {
            return new CheckpointException("data.pkl has " + PickleOpcodes.describe(op) + " at byte " + opStart
                    + ": not a pickle opcode (a damaged file?)");
        }
        return new CheckpointException("data.pkl uses pickle opcode " + PickleOpcodes.describe(op) + " at byte "
                + opStart + ", which this reader does not support: a state_dict needs only plain data and tensors");
    }
}
