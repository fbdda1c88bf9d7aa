package org.sparkimage.model.torch;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of data.pkl with a read position: every read checks the bytes are there first, so a
 * length field can never size an allocation beyond the data itself.
 */
final class PickleInput {
    private final byte[] data;
    private int pos;

    PickleInput(byte[] data) {
        this.data = data;
    }

    /** Offset of the next byte. */
    int position() {
        return pos;
    }

    /** Bytes left. */
    int remaining() {
        return data.length - pos;
    }

    /** One unsigned byte. */
    int u8() {
        require(1);
        return data[pos++] & 0xff;
    }

    /** Unsigned 16-bit little-endian. */
    int u16() {
        require(2);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    /** Signed 32-bit little-endian. */
    int s32() {
        require(4);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16 | data[pos + 3] << 24;
        pos += 4;
        return v;
    }

    /** Unsigned 32-bit little-endian. */
    long u32() {
        return s32() & 0xffffffffL;
    }

    /** Signed 64-bit little-endian (lengths of the protocol 4 opcodes). */
    long s64() {
        long low = u32();
        return low | (long) s32() << 32;
    }

    /** Big-endian IEEE double (BINFLOAT is the one big-endian field in pickle). */
    double f64be() {
        require(8);
        long bits = 0;
        for (int i = 0; i < 8; i++) bits = bits << 8 | (data[pos + i] & 0xff);
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /** {@code n} bytes, after checking that many are left (n comes from the file). */
    byte[] bytes(long n) {
        require(n);
        byte[] out = new byte[(int) n];
        System.arraycopy(data, pos, out, 0, (int) n);
        pos += (int) n;
        return out;
    }

    /** {@code n} bytes of UTF-8 (malformed sequences become U+FFFD, as Java decodes). */
    String utf8(long n) {
        require(n);
        String s = new String(data, pos, (int) n, StandardCharsets.UTF_8);
        pos += (int) n;
        return s;
    }

    /** {@code n} bytes of Latin-1 (Python 2 str opcodes). */
    String latin1(long n) {
        require(n);
        String s = new String(data, pos, (int) n, StandardCharsets.ISO_8859_1);
        pos += (int) n;
        return s;
    }

    /** A line ending in '\n' (GLOBAL's module and name), without the newline; at most {@code max} bytes. */
    String line(int max) {
        int limit = Math.min(data.length, pos + max + 1);
        for (int i = pos; i < limit; i++) {
            if (data[i] == '\n') {
                String s = new String(data, pos, i - pos, StandardCharsets.UTF_8);
                pos = i + 1;
                return s;
            }
        }
        if (limit == data.length) throw truncated();
        throw new CheckpointException("data.pkl names a global longer than " + max + " bytes at byte " + pos);
    }

    /** Skips {@code n} bytes (FRAME headers) after checking they are there. */
    void skip(long n) {
        require(n);
        pos += (int) n;
    }

    private void require(long n) {
        if (n < 0 || n > remaining()) throw truncated();
    }

    private CheckpointException truncated() {
        return new CheckpointException("data.pkl is truncated: it ends inside the opcode before byte " + data.length);
    }
}
