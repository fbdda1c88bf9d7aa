package org.sparkimage.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Full-resolution JPEG decoding of chosen rows and columns only: libjpeg-turbo's
 * {@code jpeg_skip_scanlines} passes over the rows between the ones kept with entropy decoding
 * only (no inverse DCT, upsampling or colour conversion), and the kept rows come out bit for bit as
 * a whole decode gives them. A two-tap resize of a 12 MP photo to 224 rows reads 448 of its 3024
 * rows, so most of the decode is skipped without changing a pixel the model sees.
 *
 * <p>The decode runs in a small C library ({@code src/main/c/jpegrows.c}, built by the Maven build
 * where gcc is present) linked against the libjpeg-turbo inside Leptonica, because libjpeg's
 * fatal errors need a {@code longjmp} that cannot cross Java frames. Where that library is absent
 * (no compiler at build time, another platform), {@link #available} is false and callers decode
 * whole images.
 */
final class JpegRowDecoder {
    private static final System.Logger LOG = System.getLogger(JpegRowDecoder.class.getName());
    private static final String LIBRARY = "/org/sparkimage/image/native/linux-x86_64/libsparkimage-jpegrows.so";
    /** Codes returned by the C side. */
    private static final int OK = 0;
    private static final int WARNING = 1;
    private static final boolean AVAILABLE = load();

    /** How a row decode ended. */
    enum Outcome {
        /** The kept samples are in the image. */
        DECODED,
        /** libjpeg warned (corrupt or truncated data): a whole decode would warn the same way. */
        DAMAGED,
        /** libjpeg failed, or disagreed with the header parse, or memory ran out: try a whole decode. */
        FAILED
    }

    /** The kept samples, or why there are none. */
    record Result(Outcome outcome, RgbImage pixels) {
    }

    private JpegRowDecoder() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    /**
     * Decodes rows {@code rows} and columns {@code cols} (stored orientation, ascending) of a
     * {@code width x height} baseline or progressive JPEG with 1 or 3 components.
     */
    static Result read(byte[] data, int width, int height, int[] rows, int[] cols) {
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(rows.length, cols.length), 3)];
        int code = decodeRows(data, width, height, rows, cols, out);
        if (code == OK) return new Result(Outcome.DECODED, new RgbImage(cols.length, rows.length, out));
        return new Result(code == WARNING ? Outcome.DAMAGED : Outcome.FAILED, null);
    }

    private static native int decodeRows(byte[] data, int width, int height, int[] rows, int[] cols, byte[] out);

    /** Needs Leptonica loaded first: the C library resolves libjpeg from it by soname. */
    private static boolean load() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64")) || !NativeJpegReader.available()) {
            return false;
        }
        try (InputStream in = JpegRowDecoder.class.getResourceAsStream(LIBRARY)) {
            if (in == null) {
                LOG.log(System.Logger.Level.WARNING, "row-selective JPEG decode not built (no gcc at build time?); decoding whole images");
                return false;
            }
            Path file = Files.createTempFile("sparkimage-jpegrows", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toString());
            } finally {
                Files.deleteIfExists(file); // mapped once loaded
            }
            return true;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            LOG.log(System.Logger.Level.WARNING, "row-selective JPEG decode unavailable, decoding whole images: " + e);
            return false;
        }
    }
}
