package org.sparkimage.model.onnx;

import java.nio.charset.StandardCharsets;

/**
 * Protocol-buffers wire-format cursor over a byte range: the reading half of {@link ProtoWriter},
 * enough to walk ONNX {@code ModelProto} messages without generated classes. Every length is
 * checked against the enclosing message, so a cut or hostile file fails with an
 * {@link IllegalArgumentException} instead of reading outside its bytes.
 */
final class ProtoReader {
    private final byte[] b;
    private int pos;
    private final int end;
    private int wireType;

    /** A cursor over a whole message. */
    ProtoReader(byte[] b) {
        this(b, 0, b.length);
    }

    private ProtoReader(byte[] b, int from, int to) {
        this.b = b;
        this.pos = from;
        this.end = to;
    }

    boolean more() {
        return pos < end;
    }

    /** Reads the next field's tag; returns its field number and remembers its wire type. */
    int tag() {
        long t = varint();
        wireType = (int) (t & 7);
        return (int) (t >>> 3);
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw new IllegalArgumentException("truncated ONNX message");
            byte x = b[pos++];
            result |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) return result;
        }
        throw new IllegalArgumentException("malformed varint");
    }

    /** The length-delimited field at the cursor, as a cursor of its own. */
    ProtoReader sub() {
        long len = varint();
        if (len < 0 || len > end - pos) throw new IllegalArgumentException("truncated ONNX message");
        ProtoReader r = new ProtoReader(b, pos, pos + (int) len);
        pos += (int) len;
        return r;
    }

    String string() {
        ProtoReader s = sub();
        return new String(b, s.pos, s.end - s.pos, StandardCharsets.UTF_8);
    }

    /** The length-delimited field at the cursor as bytes (a copy). */
    byte[] bytes() {
        ProtoReader s = sub();
        return java.util.Arrays.copyOfRange(b, s.pos, s.end);
    }

    /** A little-endian 32-bit value (wire type 5). */
    int fixed32() {
        if (end - pos < 4) throw new IllegalArgumentException("truncated ONNX message");
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    void skip() {
        switch (wireType) {
            case 0 -> varint();
            case 1 -> advance(8);
            case 2 -> sub();
            case 5 -> advance(4);
            default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
        }
    }

    private void advance(int n) {
        if (end - pos < n) throw new IllegalArgumentException("truncated ONNX message");
        pos += n;
    }
}
