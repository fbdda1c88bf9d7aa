package org.sparkimage.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Streams the members of a tar archive (WebDataset-style image shards) one at a time.
 *
 * <p>Reads POSIX ustar (name + prefix), GNU ('L'/'K' long names, base-256 numbers), pax ('x'
 * headers: {@code path}, {@code size}, {@code mtime}; 'g' headers ignored) and old v7 archives.
 * Memory is bounded by {@code maxMemberBytes}, never by what a header claims: at most one member
 * is held, its buffer grows only as bytes actually arrive, members over the limit are skipped by
 * reading through them in small chunks, and pax/long-name payloads are capped at
 * {@value #MAX_EXTENDED_HEADER_BYTES} bytes.
 *
 * <p>Problems with one member (too large, not a regular file, cut short) come back as a
 * {@link Member} with a {@link Problem}, so a caller can report it and carry on; a broken
 * archive structure (bad checksum, malformed numbers or pax records, a partial header) throws
 * {@link TarFormatException}, after which every {@link #next()} throws again.
 *
 * <p>Names: bytes that are valid UTF-8 are decoded as UTF-8, anything else as ISO-8859-1 (every
 * byte maps to one char, so a name is never lost or replaced). The same rule applies to header,
 * GNU long-name and pax names. A leading {@code "./"} is stripped.
 */
public final class TarReader implements Closeable {
    /** Largest pax or GNU long-name payload read into memory; real ones are a few hundred bytes. */
    public static final int MAX_EXTENDED_HEADER_BYTES = 64 * 1024;

    private static final int BLOCK = 512;
    /** Member buffers start at most this big and double only as data arrives. */
    private static final int INITIAL_BUFFER = 64 * 1024;
    /** The largest Java array that reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** pax mtime: decimal seconds with an optional fraction (no exponent, which BigDecimal would accept). */
    private static final Pattern PAX_TIME = Pattern.compile("-?[0-9]{1,19}(\\.[0-9]+)?");

    private final InputStream in;
    private final long maxMemberBytes;
    private final byte[] header = new byte[BLOCK];
    private final byte[] scratch = new byte[8192];
    /** Bytes consumed from {@code in}, for error messages. */
    private long position;
    private boolean ended;
    /** Set once the structure is broken: the stream position is then meaningless. */
    private String failure;

    /** One archive member; {@code data} is non-null exactly when {@code problem} is NONE. */
    public record Member(String name, long size, long modifiedMillis, byte[] data, Problem problem, String message) {}

    public enum Problem { NONE, TOO_LARGE, TRUNCATED, NOT_A_FILE }

    /** The archive structure itself is broken; reading cannot continue. */
    public static final class TarFormatException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean truncated;

        public TarFormatException(String message) {
            this(message, false);
        }

        public TarFormatException(String message, boolean truncated) {
            super(message);
            this.truncated = truncated;
        }

        /** The archive ends inside a header: cut short rather than malformed. */
        public boolean truncated() {
            return truncated;
        }
    }

    public TarReader(InputStream in, long maxMemberBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxMemberBytes < 0) throw new IllegalArgumentException("maxMemberBytes must be >= 0: " + maxMemberBytes);
        this.maxMemberBytes = maxMemberBytes;
    }

    /** The next member, or null at the end of the archive. */
    public Member next() throws IOException {
        if (failure != null) throw new TarFormatException("tar archive already failed: " + failure);
        if (ended) return null;
        try {
            return readMember();
        } catch (TarFormatException e) {
            failure = e.getMessage();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        ended = true;
        in.close();
    }

    /** pax / GNU long-name values waiting for the member header they describe. */
    private static final class Pending {
        String paxPath;
        String longName;
        /** pax sparse 1.0 keeps the real name here (the header has "GNUSparseFile.0/..."). */
        String sparseName;
        Long paxSize;
        Long paxMtimeMillis;
        boolean sparse;
        long firstOffset = -1;

        void seen(long offset) {
            if (firstOffset < 0) firstOffset = offset;
        }
    }

    private Member readMember() throws IOException {
        Pending pending = new Pending();
        while (true) {
            long at = position;
            int n = readFully(header, BLOCK);
            if (n == 0 || (n == BLOCK && isZero(header))) {
                if (pending.firstOffset >= 0) {
                    throw fail("tar archive ends after the extended header at byte offset " + pending.firstOffset
                            + ", before the member it describes");
                }
                // A zero block (two are standard, one is accepted) or a clean EOF at a header boundary.
                ended = true;
                return null;
            }
            if (n < BLOCK) {
                throw failTruncated("tar archive truncated inside a header (" + n + " of 512 bytes at byte offset " + at + ")");
            }
            verifyChecksum(at);
            char type = (char) (header[156] & 0xFF);

            switch (type) {
                case 'x' -> {
                    pending.seen(at);
                    parsePax(readExtended(at, "pax extended header"), pending, at);
                    continue;
                }
                case 'L' -> {
                    pending.seen(at);
                    byte[] b = readExtended(at, "GNU long name");
                    pending.longName = decodeName(b, 0, cLength(b, 0, b.length));
                    continue;
                }
                case 'K' -> {
                    // Long link target: only links use it, and links are reported, not followed.
                    pending.seen(at);
                    readExtended(at, "GNU long link name");
                    continue;
                }
                case 'g' -> {
                    // Global pax defaults: nothing here is needed, so skip without buffering.
                    long size = parseNumeric(124, 12, "size", at, false);
                    if (skip(size) < size) throw failTruncated("tar archive truncated inside the global pax header at byte offset " + at);
                    skipPadding(size);
                    continue;
                }
                default -> {
                }
            }

            String name = pending.paxPath != null ? pending.paxPath
                    : pending.sparseName != null ? pending.sparseName
                    : pending.longName != null ? pending.longName : headerName();
            while (name.startsWith("./")) name = name.substring(2);
            long size = pending.paxSize != null ? pending.paxSize : parseNumeric(124, 12, "size", at, false);
            if (size > Long.MAX_VALUE - position - 2 * BLOCK) {
                throw fail("tar header at byte offset " + at + " claims an impossible size of " + size + " bytes");
            }
            long mtime = pending.paxMtimeMillis != null ? pending.paxMtimeMillis
                    : secondsToMillis(parseNumeric(136, 12, "mtime", at, true), at);

            boolean regular = type == '0' || type == '\0' || type == '7';
            // v7 and old GNU tar mark directories only by the trailing slash; 'D' is a GNU dumpdir.
            if (type == '5' || type == 'D' || (regular && name.endsWith("/"))) {
                if (skip(size) < size) {
                    ended = true;
                    return null;
                }
                skipPadding(size);
                pending = new Pending();
                continue;
            }
            if (type == 'S' || (regular && pending.sparse)) {
                return skipped(name, size, mtime, Problem.NOT_A_FILE, "GNU sparse members are not supported",
                        type == 'S' && header[482] != 0);
            }
            if (!regular) {
                return skipped(name, size, mtime, Problem.NOT_A_FILE,
                        "tar member is " + describe(type) + ", not a regular file", false);
            }
            if (size > maxMemberBytes) {
                return skipped(name, size, mtime, Problem.TOO_LARGE,
                        "tar member is " + size + " bytes, over the limit of " + maxMemberBytes + " bytes", false);
            }
            if (size > MAX_ARRAY) {
                return skipped(name, size, mtime, Problem.TOO_LARGE,
                        "tar member is " + size + " bytes, more than one Java array can hold", false);
            }
            byte[] data = readData((int) size);
            if (data.length < size) {
                ended = true;
                return new Member(name, size, mtime, null, Problem.TRUNCATED,
                        "tar archive ends after " + data.length + " of " + size + " bytes of this member");
            }
            skipPadding(size);
            return new Member(name, size, mtime, data, Problem.NONE, null);
        }
    }

    /**
     * Skips a member that is reported without data. Its problem stays the reason it has no data
     * even if the archive also ends inside it; the message then says so and the reader ends.
     */
    private Member skipped(String name, long size, long mtime, Problem problem, String message, boolean sparseMap)
            throws IOException {
        // Old GNU sparse headers continue their sparse map in extra blocks before the data.
        boolean more = sparseMap;
        while (more) {
            if (readFully(scratch, BLOCK) < BLOCK) {
                ended = true;
                return new Member(name, size, mtime, null, problem, message + "; the tar archive also ends inside its sparse map");
            }
            more = scratch[504] != 0;
        }
        long got = skip(size);
        if (got < size) {
            ended = true;
            return new Member(name, size, mtime, null, problem,
                    message + "; the tar archive also ends after " + got + " of " + size + " bytes of this member");
        }
        skipPadding(size);
        return new Member(name, size, mtime, null, problem, message);
    }

    private static String describe(char type) {
        return switch (type) {
            case '1' -> "a hard link";
            case '2' -> "a symbolic link";
            case '3' -> "a character device";
            case '4' -> "a block device";
            case '6' -> "a FIFO";
            case 'V' -> "a volume label";
            case 'M' -> "a multi-volume continuation";
            default -> type >= 0x21 && type < 0x7F ? "an entry of type '" + type + "'"
                    : String.format("an entry of type 0x%02X", (int) type);
        };
    }

    // ---- headers ----

    private void verifyChecksum(long at) throws TarFormatException {
        // The checksum field counts as eight spaces. Some old tars summed signed bytes; tar accepts both.
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xFF;
            signed += b;
        }
        long stored = parseChecksumField();
        if (stored != unsigned && stored != signed) {
            throw fail("bad tar header checksum at byte offset " + at + " (stored "
                    + (stored < 0 ? "value unreadable" : Long.toString(stored)) + ", computed " + unsigned
                    + "): not a tar archive, or a corrupt one");
        }
    }

    /** The checksum field as octal, or -1 when it is not octal (e.g. a JPEG read as a tar). */
    private long parseChecksumField() {
        int i = 148;
        int end = 156;
        while (i < end && (header[i] == ' ' || header[i] == 0)) i++;
        long v = 0;
        int digits = 0;
        while (i < end && header[i] >= '0' && header[i] <= '7') {
            v = v * 8 + (header[i++] - '0');
            digits++;
        }
        while (i < end) {
            if (header[i] != ' ' && header[i] != 0) return -1;
            i++;
        }
        return digits == 0 ? -1 : v;
    }

    /**
     * A numeric header field: octal (space/NUL padded or terminated) or, when the top bit of the
     * first byte is set, GNU base-256 (the remaining bits a big-endian two's-complement number).
     */
    private long parseNumeric(int off, int len, String field, long at, boolean allowNegative) throws TarFormatException {
        int first = header[off] & 0xFF;
        if ((first & 0x80) != 0) {
            long v = (first & 0x40) != 0 ? -1L : 0L;
            v = (v << 6) | (first & 0x3F);
            for (int i = 1; i < len; i++) {
                if (v < -(1L << 55) || v >= (1L << 55)) {
                    throw fail("the " + field + " field of the tar header at byte offset " + at + " does not fit in 64 bits");
                }
                v = (v << 8) | (header[off + i] & 0xFF);
            }
            if (v < 0 && !allowNegative) {
                throw fail("the " + field + " field of the tar header at byte offset " + at + " is negative (" + v + ")");
            }
            return v;
        }
        int i = off;
        int end = off + len;
        while (i < end && (header[i] == ' ' || header[i] == 0)) i++;
        long v = 0; // at most 12 octal digits = 36 bits: cannot overflow
        while (i < end && header[i] >= '0' && header[i] <= '7') v = v * 8 + (header[i++] - '0');
        while (i < end) {
            if (header[i] != ' ' && header[i] != 0) {
                throw fail("the " + field + " field of the tar header at byte offset " + at + " is not an octal number");
            }
            i++;
        }
        return v;
    }

    private long secondsToMillis(long seconds, long at) throws TarFormatException {
        try {
            return Math.multiplyExact(seconds, 1000L);
        } catch (ArithmeticException e) {
            throw fail("the mtime of the tar header at byte offset " + at + " is out of range (" + seconds + " s)");
        }
    }

    private String headerName() {
        String name = decodeName(header, 0, cLength(header, 0, 100));
        // Only POSIX ustar ("ustar\0") has a prefix field; GNU ("ustar  \0") keeps other data there.
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        if (posix) {
            String prefix = decodeName(header, 345, cLength(header, 345, 155));
            if (!prefix.isEmpty()) name = prefix + "/" + name;
        }
        return name;
    }

    private static int cLength(byte[] b, int off, int max) {
        int n = 0;
        while (n < max && b[off + n] != 0) n++;
        return n;
    }

    /** UTF-8 when the bytes are valid UTF-8, else ISO-8859-1 (lossless: one char per byte). */
    private static String decodeName(byte[] b, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
    }

    // ---- extended headers ----

    /** The payload of a pax / GNU long-name entry, capped so a hostile size cannot force a big allocation. */
    private byte[] readExtended(long at, String what) throws IOException {
        long size = parseNumeric(124, 12, "size", at, false);
        if (size > MAX_EXTENDED_HEADER_BYTES) {
            throw fail("the " + what + " at byte offset " + at + " claims " + size + " bytes; at most "
                    + MAX_EXTENDED_HEADER_BYTES + " are accepted");
        }
        byte[] b = readData((int) size);
        if (b.length < size) {
            throw failTruncated("tar archive truncated inside the " + what + " at byte offset " + at);
        }
        skipPadding(size); // if the archive ends here, the next header read reports it
        return b;
    }

    /** pax records: {@code "<length> <key>=<value>\n"}, length counting the whole record. */
    private void parsePax(byte[] p, Pending pending, long at) throws TarFormatException {
        int pos = 0;
        while (pos < p.length) {
            if (p[pos] == 0) break; // some writers NUL-pad the payload
            int i = pos;
            long len = 0;
            while (i < p.length && i - pos < 10 && p[i] >= '0' && p[i] <= '9') len = len * 10 + (p[i++] - '0');
            if (i == pos || i >= p.length || p[i] != ' ' || len <= i - pos + 1 || pos + len > p.length
                    || p[(int) (pos + len - 1)] != '\n') {
                throw fail("malformed pax record at byte " + pos + " of the pax extended header at byte offset " + at);
            }
            int recordEnd = (int) (pos + len - 1);
            int eq = -1;
            for (int j = i + 1; j < recordEnd; j++) {
                if (p[j] == '=') {
                    eq = j;
                    break;
                }
            }
            if (eq <= i + 1) {
                throw fail("malformed pax record at byte " + pos + " of the pax extended header at byte offset " + at);
            }
            String key = new String(p, i + 1, eq - i - 1, StandardCharsets.UTF_8);
            int valueOff = eq + 1;
            int valueLen = recordEnd - valueOff;
            // An empty value cancels the key (POSIX), so it falls back to the ustar header field.
            switch (key) {
                case "path" -> pending.paxPath = valueLen == 0 ? null : decodeName(p, valueOff, valueLen);
                case "size" -> pending.paxSize = valueLen == 0 ? null
                        : paxSize(new String(p, valueOff, valueLen, StandardCharsets.ISO_8859_1), at);
                case "mtime" -> pending.paxMtimeMillis = valueLen == 0 ? null
                        : paxMillis(new String(p, valueOff, valueLen, StandardCharsets.ISO_8859_1), at);
                case "GNU.sparse.name" -> {
                    pending.sparse = true;
                    pending.sparseName = valueLen == 0 ? null : decodeName(p, valueOff, valueLen);
                }
                default -> {
                    if (key.startsWith("GNU.sparse.")) pending.sparse = true;
                }
            }
            pos = recordEnd + 1;
        }
    }

    private long paxSize(String s, long at) throws TarFormatException {
        if (!s.isEmpty() && s.length() <= 19 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // 19 digits above Long.MAX_VALUE: fall through
            }
        }
        throw fail("pax size \"" + abbreviate(s) + "\" in the extended header at byte offset " + at + " is not a valid size");
    }

    private long paxMillis(String s, long at) throws TarFormatException {
        if (PAX_TIME.matcher(s).matches()) {
            try {
                int dot = s.indexOf('.');
                String whole = dot < 0 ? s : s.substring(0, dot);
                long seconds = Long.parseLong(whole);
                long frac = 0;
                if (dot >= 0) {
                    String f = (s.substring(dot + 1) + "000").substring(0, 3);
                    frac = Long.parseLong(f);
                }
                long millis = Math.multiplyExact(seconds, 1000L);
                return s.startsWith("-") ? Math.subtractExact(millis, frac) : Math.addExact(millis, frac);
            } catch (NumberFormatException | ArithmeticException e) {
                // fall through: out of range
            }
        }
        throw fail("pax mtime \"" + abbreviate(s) + "\" in the extended header at byte offset " + at + " is not a valid time");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    // ---- stream ----

    /** Reads the member into a buffer that grows only as bytes arrive; shorter than {@code size} at EOF. */
    private byte[] readData(int size) throws IOException {
        byte[] buf = new byte[Math.min(size, INITIAL_BUFFER)];
        int filled = 0;
        while (filled < size) {
            if (filled == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(size, buf.length * 2L));
            int r = in.read(buf, filled, buf.length - filled);
            if (r < 0) break;
            filled += r;
            position += r;
        }
        return filled == buf.length ? buf : Arrays.copyOf(buf, filled);
    }

    private int readFully(byte[] b, int len) throws IOException {
        int filled = 0;
        while (filled < len) {
            int r = in.read(b, filled, len - filled);
            if (r < 0) break;
            filled += r;
            position += r;
        }
        return filled;
    }

    /**
     * Skips by reading: {@link InputStream#skip} on a file may move past the end without saying
     * so, which would hide a truncated archive.
     */
    private long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) break;
            done += r;
            position += r;
        }
        return done;
    }

    /** Padding to the block boundary; an archive ending inside it has lost nothing of the member. */
    private void skipPadding(long size) throws IOException {
        int pad = (int) ((BLOCK - (size % BLOCK)) % BLOCK);
        skip(pad);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) return false;
        }
        return true;
    }

    private static TarFormatException fail(String message) {
        return new TarFormatException(message);
    }

    private static TarFormatException failTruncated(String message) {
        return new TarFormatException(message, true);
    }
}
