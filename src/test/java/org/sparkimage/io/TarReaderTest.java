package org.sparkimage.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkimage.io.TarReader.Member;
import org.sparkimage.io.TarReader.Problem;
import org.sparkimage.io.TarReader.TarFormatException;
import org.sparkimage.testing.ReferenceData;

/**
 * Archives made by the system GNU tar (1.34) from the reference images, plus hand-built headers
 * for what tar will not write (hostile sizes, malformed pax records, signed checksums).
 */
class TarReaderTest {
    private static final long MTIME = 1_600_000_000L;
    private static final long UNLIMITED = Long.MAX_VALUE;
    /** Small PNG (made here, under one 512-byte tar block), a JPEG (~110 KB), a PNG (~235 KB). */
    private static final String TINY = "tiny.png";
    private static final String JPEG = "skimage__rocket.jpg";
    private static final String PNG = "skimage__chelsea.png";
    /** ~0.5 MB JPEG, for the size limit. */
    private static final String BIG = "skimage__hubble_deep_field.jpg";

    @TempDir
    Path tmp;

    // ---- real archives, each format ----

    @ParameterizedTest
    @ValueSource(strings = {"ustar", "gnu", "pax", "v7"})
    void readsEachFormatByteForByte(String format) throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("shard/a/0001.png"));
        copy(JPEG, in.resolve("shard/a/0002.jpg"));
        copy(PNG, in.resolve("shard/b/0003.png"));
        Files.createDirectories(in.resolve("shard/empty-dir"));
        Path tar = tar(in, "--format=" + format, "--mtime=@" + MTIME, "--sort=name", "-cf", "out.tar", "shard");

        List<Member> members = readAll(tar, UNLIMITED);
        // Directories (shard/, shard/a/, shard/b/, shard/empty-dir/) are not inputs: skipped.
        assertEquals(List.of("shard/a/0001.png", "shard/a/0002.jpg", "shard/b/0003.png"), names(members));
        assertFile(members.get(0), "shard/a/0001.png", image(TINY), MTIME * 1000);
        assertFile(members.get(1), "shard/a/0002.jpg", image(JPEG), MTIME * 1000);
        assertFile(members.get(2), "shard/b/0003.png", image(PNG), MTIME * 1000);
    }

    @Test
    void stripsLeadingDotSlash() throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("x.png"));
        Path tar = tar(in, "--format=ustar", "--mtime=@" + MTIME, "-cf", "out.tar", "./x.png");
        assertTrue(new String(Files.readAllBytes(tar), StandardCharsets.ISO_8859_1).startsWith("./x.png"),
                "tar should have stored the ./ prefix this test is about");
        List<Member> members = readAll(tar, UNLIMITED);
        assertEquals(1, members.size());
        assertFile(members.get(0), "x.png", image(TINY), MTIME * 1000);
    }

    @Test
    void ustarPrefixFieldJoinsLongNestedPaths() throws IOException {
        String dir = "d".repeat(60) + "/" + "e".repeat(60);
        String name = dir + "/" + "f".repeat(40) + ".png";
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve(name));
        Path tar = tar(in, "--format=ustar", "--mtime=@" + MTIME, "-cf", "out.tar", name);
        byte[] raw = Files.readAllBytes(tar);
        assertEquals(dir, new String(raw, 345, dir.length(), StandardCharsets.US_ASCII), "prefix field in use");

        List<Member> members = readAll(tar, UNLIMITED);
        assertEquals(1, members.size());
        assertFile(members.get(0), name, image(TINY), MTIME * 1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax"})
    void longNestedNames(String format) throws IOException {
        String name = "shard-0000/" + "x".repeat(70) + "/" + "y".repeat(70) + "/" + "z".repeat(120) + ".jpg";
        Path in = tmp.resolve("in");
        copy(JPEG, in.resolve(name));
        copy(TINY, in.resolve("shard-0000/short.png"));
        Path tar = tar(in, "--format=" + format, "--mtime=@" + MTIME, "-cf", "out.tar", name, "shard-0000/short.png");
        String raw = new String(Files.readAllBytes(tar), StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains(format.equals("gnu") ? "././@LongLink" : "path=" + name),
                "the long name should be carried by a " + format + " extended header");

        List<Member> members = readAll(tar, UNLIMITED);
        assertEquals(2, members.size());
        assertTrue(name.length() > 100);
        assertFile(members.get(0), name, image(JPEG), MTIME * 1000);
        assertFile(members.get(1), "shard-0000/short.png", image(TINY), MTIME * 1000);
    }

    @Test
    void paxNonAsciiNameAndFractionalMtime() throws IOException, InterruptedException {
        String name = "café-ünïcødé-猫.png";
        Path in = Files.createDirectories(tmp.resolve("in"));
        copy(TINY, in.resolve("src.png"));
        // The name travels through a UTF-8 script file, not the command line, so the JVM's
        // file-name encoding cannot mangle it.
        Path script = tmp.resolve("make.sh");
        Files.writeString(script, "set -e\ncd '" + in + "'\ncp src.png '" + name + "'\n"
                + "tar --format=pax --mtime=@1600000000.25 -cf ../out.tar '" + name + "'\n", StandardCharsets.UTF_8);
        run(List.of("sh", script.toString()), tmp);

        List<Member> members = readAll(tmp.resolve("out.tar"), UNLIMITED);
        assertEquals(1, members.size());
        assertFile(members.get(0), name, image(TINY), 1_600_000_000_250L);
    }

    @Test
    void gnuBase256Mtimes() throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("x.png"));
        // Before 1970 and after 2242 (beyond 11 octal digits): GNU tar switches to base-256.
        for (long seconds : new long[] {-1000L, 9_000_000_000L}) {
            Path tar = tar(in, "--format=gnu", "--mtime=@" + seconds, "-cf", "t" + seconds + ".tar", "x.png");
            assertEquals((byte) 0x80, (byte) (Files.readAllBytes(tar)[136] & 0x80), "base-256 mtime field");
            List<Member> members = readAll(tar, UNLIMITED);
            assertEquals(1, members.size());
            assertFile(members.get(0), "x.png", image(TINY), seconds * 1000);
        }
    }

    @Test
    void paxGlobalHeaderIsIgnored() throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("x.png"));
        Path tar = tar(in, "--format=pax", "--pax-option=comment=hello", "--mtime=@" + MTIME, "-cf", "out.tar", "x.png");
        assertEquals('g', (char) Files.readAllBytes(tar)[156], "first entry is a global header");
        List<Member> members = readAll(tar, UNLIMITED);
        assertEquals(1, members.size());
        assertFile(members.get(0), "x.png", image(TINY), MTIME * 1000);
    }

    // ---- members that are not returned as data ----

    @Test
    void linksAreNotFiles() throws IOException {
        Path in = tmp.resolve("in");
        copy(JPEG, in.resolve("a.jpg"));
        Files.createLink(in.resolve("hard.jpg"), in.resolve("a.jpg"));
        Files.createSymbolicLink(in.resolve("link.jpg"), Path.of("a.jpg"));
        copy(TINY, in.resolve("z.png"));
        Path tar = tar(in, "--format=ustar", "--mtime=@" + MTIME, "-cf", "out.tar", "a.jpg", "hard.jpg", "link.jpg", "z.png");

        List<Member> members = readAll(tar, UNLIMITED);
        assertEquals(List.of("a.jpg", "hard.jpg", "link.jpg", "z.png"), names(members));
        assertFile(members.get(0), "a.jpg", image(JPEG), MTIME * 1000);
        assertProblem(members.get(1), Problem.NOT_A_FILE, "tar member is a hard link, not a regular file");
        assertProblem(members.get(2), Problem.NOT_A_FILE, "tar member is a symbolic link, not a regular file");
        assertFile(members.get(3), "z.png", image(TINY), MTIME * 1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax"})
    void sparseMembersAreNotSupported(String format) throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        try (RandomAccessFile f = new RandomAccessFile(in.resolve("sparse.bin").toFile(), "rw")) {
            f.seek(4 << 20);
            f.write("end".getBytes(StandardCharsets.US_ASCII));
        }
        copy(TINY, in.resolve("z.png"));
        Path tar = tar(in, "--format=" + format, "--sparse", "--mtime=@" + MTIME, "-cf", "out.tar", "sparse.bin", "z.png");
        String raw = new String(Files.readAllBytes(tar), StandardCharsets.ISO_8859_1);
        assertTrue(format.equals("gnu") ? raw.charAt(156) == 'S' : raw.contains("GNU.sparse."),
                "tar should have stored a sparse member (does the temp file system support holes?)");

        List<Member> members = readAll(tar, UNLIMITED);
        assertEquals(List.of("sparse.bin", "z.png"), names(members));
        assertProblem(members.get(0), Problem.NOT_A_FILE, "GNU sparse members are not supported");
        assertFile(members.get(1), "z.png", image(TINY), MTIME * 1000);
    }

    @Test
    void tooLargeMemberIsSkippedWithoutBufferingAndTheNextOneIsRead() throws IOException {
        Path in = tmp.resolve("in");
        copy(BIG, in.resolve("big.jpg"));
        copy(JPEG, in.resolve("next.jpg"));
        Path tar = tar(in, "--format=ustar", "--mtime=@" + MTIME, "-cf", "out.tar", "big.jpg", "next.jpg");
        long bigSize = image(BIG).length;
        long limit = 200_000;
        assertTrue(bigSize > limit && image(JPEG).length < limit);

        MaxReadStream stream = new MaxReadStream(Files.newInputStream(tar));
        List<Member> members = new ArrayList<>();
        try (TarReader reader = new TarReader(stream, limit)) {
            for (Member m; (m = reader.next()) != null; ) members.add(m);
            assertNull(reader.next());
        }
        assertEquals(2, members.size());
        Member big = members.get(0);
        assertEquals("big.jpg", big.name());
        assertEquals(bigSize, big.size());
        assertProblem(big, Problem.TOO_LARGE, "tar member is " + bigSize + " bytes, over the limit of 200000 bytes");
        assertFile(members.get(1), "next.jpg", image(JPEG), MTIME * 1000);
        // The 0.5 MB member went through in small reads, never one member-sized buffer.
        assertTrue(stream.maxRequest <= 64 * 1024, "largest single read: " + stream.maxRequest);
    }

    // ---- truncation ----

    @Test
    void truncatedInsideMemberData() throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("a.png"));
        copy(JPEG, in.resolve("b.jpg"));
        byte[] raw = Files.readAllBytes(tar(in, "--format=ustar", "--mtime=@" + MTIME, "-cf", "out.tar", "a.png", "b.jpg"));
        int bStart = 512 + (image(TINY).length + 511) / 512 * 512 + 512; // a.png header, its bytes padded to 512, b.jpg header
        byte[] cut = Arrays.copyOf(raw, bStart + 5000);

        try (TarReader reader = new TarReader(new ByteArrayInputStream(cut), UNLIMITED)) {
            assertFile(reader.next(), "a.png", image(TINY), MTIME * 1000);
            Member b = reader.next();
            assertEquals("b.jpg", b.name());
            assertEquals(image(JPEG).length, b.size());
            assertProblem(b, Problem.TRUNCATED,
                    "tar archive ends after 5000 of " + image(JPEG).length + " bytes of this member");
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }

    @Test
    void truncatedInsideHeader() throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("a.png"));
        copy(JPEG, in.resolve("b.jpg"));
        byte[] raw = Files.readAllBytes(tar(in, "--format=gnu", "--mtime=@" + MTIME, "-cf", "out.tar", "a.png", "b.jpg"));
        byte[] cut = Arrays.copyOf(raw, 1024 + 100);

        try (TarReader reader = new TarReader(new ByteArrayInputStream(cut), UNLIMITED)) {
            assertFile(reader.next(), "a.png", image(TINY), MTIME * 1000);
            TarFormatException e = assertThrows(TarFormatException.class, reader::next);
            assertEquals("tar archive truncated inside a header (100 of 512 bytes at byte offset 1024)", e.getMessage());
            // Broken structure: reading cannot resume.
            assertThrows(TarFormatException.class, reader::next);
        }
    }

    @Test
    void cleanEndWithoutZeroBlocks() throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("a.png"));
        byte[] raw = Files.readAllBytes(tar(in, "--format=ustar", "--mtime=@" + MTIME, "-cf", "out.tar", "a.png"));
        List<Member> members = readAll(Arrays.copyOf(raw, 1024), UNLIMITED); // header + one data block, no end marker
        assertEquals(1, members.size());
        assertFile(members.get(0), "a.png", image(TINY), MTIME * 1000);
    }

    // ---- not a tar, broken headers ----

    @Test
    void jpegIsNotATar() throws IOException {
        byte[] jpeg = image(JPEG);
        try (TarReader reader = new TarReader(new ByteArrayInputStream(jpeg), UNLIMITED)) {
            TarFormatException e = assertThrows(TarFormatException.class, reader::next);
            assertTrue(e.getMessage().startsWith("bad tar header checksum at byte offset 0"), e.getMessage());
        }
    }

    @Test
    void corruptSecondHeaderNamesItsOffset() throws IOException {
        Path in = tmp.resolve("in");
        copy(TINY, in.resolve("a.png"));
        copy(TINY, in.resolve("b.png"));
        byte[] raw = Files.readAllBytes(tar(in, "--format=ustar", "--mtime=@" + MTIME, "-cf", "out.tar", "a.png", "b.png"));
        raw[1024] = 'c'; // b.png -> c.png without fixing the checksum
        try (TarReader reader = new TarReader(new ByteArrayInputStream(raw), UNLIMITED)) {
            assertFile(reader.next(), "a.png", image(TINY), MTIME * 1000);
            TarFormatException e = assertThrows(TarFormatException.class, reader::next);
            assertTrue(e.getMessage().startsWith("bad tar header checksum at byte offset 1024 (stored "), e.getMessage());
        }
    }

    @Test
    void signedChecksumAndLatin1Name() throws IOException {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] h = header("cafX.png", '0', data.length);
        h[3] = (byte) 0xE9; // ISO-8859-1 'é': not valid UTF-8 on its own
        seal(h, true);
        List<Member> members = readAll(concat(h, pad(data), new byte[1024]), UNLIMITED);
        assertEquals(1, members.size());
        assertFile(members.get(0), "caf\u00e9.png", data, MTIME * 1000);
    }

    @Test
    void emptyArchives() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path tar = tar(in, "-cf", "empty.tar", "-T", "/dev/null");
        assertEquals(10240, Files.size(tar), "GNU tar writes one record of zeros");
        assertEquals(List.of(), readAll(tar, UNLIMITED));
        assertEquals(List.of(), readAll(new byte[512], UNLIMITED)); // one zero block
        assertEquals(List.of(), readAll(new byte[0], UNLIMITED)); // clean EOF
    }

    // ---- hostile sizes ----

    @Test
    void eightExabyteSizes() throws IOException {
        byte[] h = header("huge.jpg", '0', 0);
        base256(h, 124, 12, BigInteger.ONE.shiftLeft(63)); // 8 EiB: one past Long.MAX_VALUE
        seal(h, false);
        TarFormatException e = assertThrows(TarFormatException.class,
                () -> readAll(concat(h, new byte[1024]), UNLIMITED));
        assertEquals("the size field of the tar header at byte offset 0 does not fit in 64 bits", e.getMessage());

        // 8 EB that does fit in a long: reported, never allocated, even with no limit at all.
        byte[] h2 = header("huge.jpg", '0', 0);
        base256(h2, 124, 12, BigInteger.valueOf(8_000_000_000_000_000_000L));
        seal(h2, false);
        List<Member> members = readAll(concat(h2, new byte[4096]), UNLIMITED);
        assertEquals(1, members.size());
        assertEquals(8_000_000_000_000_000_000L, members.get(0).size());
        assertProblem(members.get(0), Problem.TOO_LARGE, "tar member is 8000000000000000000 bytes, more than one "
                + "Java array can hold; the tar archive also ends after 4096 of 8000000000000000000 bytes of this member");
    }

    @Test
    void claimedSizeIsNotAllocatedUpFront() throws IOException {
        // 1 GiB claimed, 10 bytes present, no limit: the buffer grows only with what arrives.
        byte[] h = header("claims.jpg", '0', 1L << 30);
        List<Member> members = readAll(concat(h, new byte[10]), UNLIMITED);
        assertEquals(1, members.size());
        assertProblem(members.get(0), Problem.TRUNCATED, "tar archive ends after 10 of 1073741824 bytes of this member");
    }

    @Test
    void base256SizeOfARealMember() throws IOException {
        byte[] data = image(TINY);
        byte[] h = header("b256.png", '0', 0);
        base256(h, 124, 12, BigInteger.valueOf(data.length));
        seal(h, false);
        List<Member> members = readAll(concat(h, pad(data), new byte[1024]), UNLIMITED);
        assertEquals(1, members.size());
        assertFile(members.get(0), "b256.png", data, MTIME * 1000);
    }

    @Test
    void hostileExtendedHeaders() {
        // pax payload claiming 10 MB: refused before reading it.
        assertFormatError(concat(header("PaxHeaders/x", 'x', 10 << 20), new byte[1024]),
                "the pax extended header at byte offset 0 claims 10485760 bytes; at most 65536 are accepted");
        // GNU long name claiming 1 GB.
        assertFormatError(concat(header("././@LongLink", 'L', 1L << 30), new byte[1024]),
                "the GNU long name at byte offset 0 claims 1073741824 bytes; at most 65536 are accepted");
        // A record whose length runs past the payload.
        assertFormatError(concat(paxHeader("99 path=x\n"), header("x", '0', 0), new byte[1024]),
                "malformed pax record at byte 0 of the pax extended header at byte offset 0");
        // A size beyond Long.MAX_VALUE, and a negative one.
        assertFormatError(concat(paxHeader(paxRecord("size", "99999999999999999999")), header("x", '0', 0)),
                "pax size \"99999999999999999999\" in the extended header at byte offset 0 is not a valid size");
        assertFormatError(concat(paxHeader(paxRecord("size", "-5")), header("x", '0', 0)),
                "pax size \"-5\" in the extended header at byte offset 0 is not a valid size");
        // Exponent notation would make BigDecimal build a huge number; not a pax time.
        assertFormatError(concat(paxHeader(paxRecord("mtime", "1e999999999")), header("x", '0', 0)),
                "pax mtime \"1e999999999\" in the extended header at byte offset 0 is not a valid time");
        // An extended header with nothing after it.
        assertFormatError(concat(paxHeader(paxRecord("path", "orphan.jpg")), new byte[1024]),
                "tar archive ends after the extended header at byte offset 0, before the member it describes");
    }

    @Test
    void paxSizeAndMtimeOverrideTheHeader() throws IOException {
        byte[] data = image(TINY);
        byte[] pax = paxHeader(paxRecord("path", "from-pax.png") + paxRecord("size", Integer.toString(data.length))
                + paxRecord("mtime", "-1.5") + paxRecord("comment", "ignored"));
        byte[] h = header("from-header.png", '0', 0);
        List<Member> members = readAll(concat(pax, h, pad(data), new byte[1024]), UNLIMITED);
        assertEquals(1, members.size());
        assertFile(members.get(0), "from-pax.png", data, -1500);
    }

    // ---- helpers ----

    private static void assertFile(Member m, String name, byte[] expected, long mtimeMillis) {
        assertNotNull(m, "expected member " + name);
        assertEquals(name, m.name());
        assertEquals(Problem.NONE, m.problem(), m.message());
        assertNull(m.message());
        assertEquals(expected.length, m.size());
        assertEquals(mtimeMillis, m.modifiedMillis());
        assertArrayEquals(expected, m.data(), "data of " + name);
    }

    private static void assertProblem(Member m, Problem problem, String message) {
        assertEquals(problem, m.problem());
        assertEquals(message, m.message());
        assertNull(m.data());
    }

    private static void assertFormatError(byte[] archive, String message) {
        TarFormatException e = assertThrows(TarFormatException.class, () -> readAll(archive, UNLIMITED));
        assertEquals(message, e.getMessage());
    }

    private static List<String> names(List<Member> members) {
        return members.stream().map(Member::name).toList();
    }

    private static List<Member> readAll(Path tar, long max) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return readAll(in, max);
        }
    }

    private static List<Member> readAll(byte[] tar, long max) throws IOException {
        return readAll(new ByteArrayInputStream(tar), max);
    }

    private static List<Member> readAll(InputStream in, long max) throws IOException {
        List<Member> out = new ArrayList<>();
        try (TarReader reader = new TarReader(in, max)) {
            for (Member m; (m = reader.next()) != null; ) out.add(m);
            assertNull(reader.next(), "null stays null");
        }
        return out;
    }

    private static Path imagesDir() {
        Path dir = ReferenceData.nsfwDir().resolve("images");
        if (!Files.isDirectory(dir)) fail("reference images not found at " + dir);
        return dir;
    }

    private static byte[] image(String name) throws IOException {
        if (name.equals(TINY)) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(16, 8, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
            for (int x = 0; x < 16; x++) img.getRaster().setPixel(x, x % 8, new int[] {255, x * 16, 0});
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(img, "png", png);
            assertTrue(png.size() < 512, "tiny PNG is " + png.size() + " bytes");
            return png.toByteArray();
        }
        Path p = imagesDir().resolve(name);
        if (!Files.isRegularFile(p)) fail("reference image missing: " + p);
        return Files.readAllBytes(p);
    }

    private static void copy(String image, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.write(to, image(image));
    }

    /** Runs {@code tar -C dir args...} and returns the archive (the argument after -cf) in dir. */
    private Path tar(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tar", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        try {
            run(cmd, dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        int f = cmd.indexOf("-cf");
        return dir.resolve(cmd.get(f + 1));
    }

    private static void run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        assertEquals(0, p.exitValue(), () -> cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
    }

    /** A POSIX ustar header with an octal size and mtime {@link #MTIME}, checksum set. */
    private static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8));
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, String.format("%011o\0", MTIME));
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        seal(h, false);
        return h;
    }

    private static void seal(byte[] h, boolean signed) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) sum += signed ? b : (b & 0xFF);
        assertTrue(sum >= 0);
        put(h, 148, String.format("%06o\0 ", sum));
    }

    private static void base256(byte[] h, int off, int len, BigInteger value) {
        byte[] v = value.toByteArray();
        Arrays.fill(h, off, off + len, (byte) 0);
        int skip = v[0] == 0 ? 1 : 0; // BigInteger's sign byte
        System.arraycopy(v, skip, h, off + len - (v.length - skip), v.length - skip);
        h[off] |= (byte) 0x80;
    }

    private static byte[] paxHeader(String records) {
        byte[] payload = records.getBytes(StandardCharsets.UTF_8);
        return concat(header("PaxHeaders/x", 'x', payload.length), pad(payload));
    }

    /** {@code "<len> key=value\n"} where len counts its own digits. */
    private static String paxRecord(String key, String value) {
        int body = 1 + key.getBytes(StandardCharsets.UTF_8).length + 1 + value.getBytes(StandardCharsets.UTF_8).length + 1;
        int len = body + 1;
        while (len != body + Integer.toString(len).length()) len = body + Integer.toString(len).length();
        return len + " " + key + "=" + value + "\n";
    }

    private static void put(byte[] h, int off, String s) {
        put(h, off, s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void put(byte[] h, int off, byte[] b) {
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static byte[] pad(byte[] data) {
        return Arrays.copyOf(data, (data.length + 511) / 512 * 512);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Records the largest read the reader asks for. */
    private static final class MaxReadStream extends FilterInputStream {
        int maxRequest;

        MaxReadStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            maxRequest = Math.max(maxRequest, len);
            return super.read(b, off, len);
        }

        @Override
        public long skip(long n) {
            throw new AssertionError("skip() can pass the end of a file unnoticed; the reader should read");
        }
    }
}
