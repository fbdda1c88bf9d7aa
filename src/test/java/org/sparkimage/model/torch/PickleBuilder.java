package org.sparkimage.model.torch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes by hand, for data.pkl files that torch would never write (hostile
 * globals, bad sizes, deep nesting). Each method appends one opcode with its argument, as
 * pickletools.dis would list it.
 */
final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** PROTO n. */
    PickleBuilder proto(int version) {
        return op(0x80).raw(version);
    }

    /** One raw byte (an opcode or part of an argument). */
    PickleBuilder raw(int b) {
        out.write(b);
        return this;
    }

    /** Raw bytes. */
    PickleBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** GLOBAL 'module name'. */
    PickleBuilder global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** STACK_GLOBAL after pushing module and name as SHORT_BINUNICODE. */
    PickleBuilder stackGlobal(String module, String name) {
        return shortUnicode(module).shortUnicode(name).op(0x93);
    }

    /** BINUNICODE s. */
    PickleBuilder unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').le32(b.length).raw(b);
    }

    /** SHORT_BINUNICODE s. */
    PickleBuilder shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8c).raw(b.length).raw(b);
    }

    /** BININT1, BININT2 or BININT as the value needs; LONG1 beyond 32 bits. */
    PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) return op('K').raw((int) v);
        if (v >= 0 && v < 65536) return op('M').raw((int) v & 0xff).raw((int) (v >>> 8));
        if (v == (int) v) return op('J').le32((int) v);
        op(0x8a).raw(8);
        for (int i = 0; i < 8; i++) raw((int) (v >>> (8 * i)) & 0xff);
        return this;
    }

    /** A tuple of ints: MARK, the ints, TUPLE. */
    PickleBuilder intTuple(long... values) {
        mark();
        for (long v : values) integer(v);
        return tuple();
    }

    PickleBuilder mark() {
        return op('(');
    }

    PickleBuilder tuple() {
        return op('t');
    }

    PickleBuilder emptyTuple() {
        return op(')');
    }

    PickleBuilder emptyDict() {
        return op('}');
    }

    PickleBuilder emptyList() {
        return op(']');
    }

    PickleBuilder reduce() {
        return op('R');
    }

    PickleBuilder setItem() {
        return op('s');
    }

    PickleBuilder setItems() {
        return op('u');
    }

    PickleBuilder newFalse() {
        return op(0x89);
    }

    PickleBuilder stop() {
        return op('.');
    }

    /** An empty OrderedDict: GLOBAL collections OrderedDict, EMPTY_TUPLE, REDUCE. */
    PickleBuilder orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce();
    }

    /**
     * One tensor as torch writes it: {@code _rebuild_tensor_v2(('storage', torch.<storageClass>,
     * key, 'cpu', storageNumel), offset, size, stride, False, OrderedDict())}.
     */
    PickleBuilder tensor(String storageClass, String key, long storageNumel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().unicode("storage").global("torch", storageClass).unicode(key).unicode("cpu").integer(storageNumel).tuple();
        op('Q').integer(offset).intTuple(size).intTuple(stride).newFalse().orderedDict();
        return tuple().reduce();
    }

    /** The bytes written so far. */
    byte[] bytes() {
        return out.toByteArray();
    }

    private PickleBuilder op(int op) {
        return raw(op);
    }

    private PickleBuilder le32(int v) {
        for (int i = 0; i < 4; i++) raw((v >>> (8 * i)) & 0xff);
        return this;
    }
}
