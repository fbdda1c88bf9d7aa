package org.sparkimage.core;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.sparkimage.engine.Int8Quantizer;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.util.JsonFiles;
import org.sparkimage.util.Sha256;

/**
 * int8 models already built, in a folder on the driver's local disk (quantizing happens there,
 * before the model is broadcast): a rerun on the same calibration images reuses its model without
 * decoding or running anything. An entry is keyed by what the bytes depend on ({@link Key}); it is
 * two files, {@code <key>.onnx} and {@code <key>.json} (what went in, and the model's sha256), each
 * written to a temporary file and renamed, the JSON last, so a reader sees a whole entry or none.
 * An entry whose bytes do not match its JSON is reported, ignored and rebuilt.
 *
 * <p>The {@code --int8-cache} option is resolved here and nowhere else ({@link #resolve}).
 */
public final class Int8Cache {
    /** The option value that turns the cache off. */
    public static final String NONE = "none";
    /** Under the user's cache folder ({@code $XDG_CACHE_HOME}, else {@code ~/.cache}). */
    static final String SUBFOLDER = "spark-image-classifier/int8";

    private final Path dir;

    /** A cache in {@code dir} (created when the first entry is written). */
    public Int8Cache(Path dir) {
        this.dir = dir;
    }

    /** The folder. */
    public Path directory() {
        return dir;
    }

    /**
     * The cache an {@code --int8-cache} value names: null (not given) for the default folder,
     * {@value #NONE} for none, else a folder.
     */
    public static Optional<Int8Cache> resolve(String option) {
        return resolve(option, System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
    }

    /** As {@link #resolve(String)}, with the environment given (for tests). */
    static Optional<Int8Cache> resolve(String option, String xdgCacheHome, String userHome) {
        if (option != null && option.trim().equalsIgnoreCase(NONE)) return Optional.empty();
        if (option != null) return Optional.of(new Int8Cache(Path.of(option.trim())));
        // The XDG base-directory rule: a relative XDG_CACHE_HOME is invalid and ignored.
        Path base = xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()
                ? Path.of(xdgCacheHome) : Path.of(userHome, ".cache");
        return Optional.of(new Int8Cache(base.resolve(SUBFOLDER)));
    }

    /**
     * What an int8 model's bytes depend on.
     *
     * @param fp32Sha256   the float model (as re-written by the project, {@link ModelBundle#written()})
     * @param filesSha256  {@link CalibrationSample#digest(int)} of the first {@code images} calibration files
     * @param method       how ranges are read
     * @param images       calibration images asked for
     * @param maxPixels    the decode limit, which decides which files decode
     */
    public record Key(String fp32Sha256, String filesSha256, CalibrationMethod method, int images, long maxPixels) {
        /** The entry's file name stem: a sha256 over every part and the quantizer's version. */
        String stem() {
            return Sha256.hex(String.join("\n", Int8Quantizer.VERSION, fp32Sha256, filesSha256, method.toString(),
                    Integer.toString(images), Long.toString(maxPixels)).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * A built model and what it was built from.
     *
     * @param model       the int8 ONNX bytes
     * @param used        calibration images that decoded
     * @param skipped     calibration files that did not
     * @param filesSha256 {@link CalibrationSample#digest(int)} of the {@code used + skipped} files
     *                    calibration read: when some were skipped, more files than the key covers
     */
    public record Entry(byte[] model, int used, int skipped, String filesSha256) {
        /** Files calibration read. */
        public int filesRead() {
            return used + skipped;
        }
    }

    /**
     * The entry for {@code key}, if a whole and sound one exists; a damaged one is reported on
     * {@code console} and treated as missing.
     */
    public Optional<Entry> get(Key key, PrintStream console) {
        Path json = dir.resolve(key.stem() + ".json");
        Path onnx = dir.resolve(key.stem() + ".onnx");
        if (!Files.isRegularFile(json)) return Optional.empty();
        try {
            JsonNode meta = JsonFiles.parse(Files.readString(json));
            byte[] model = Files.readAllBytes(onnx);
            if (!Sha256.hex(model).equals(meta.path("model_sha256").asText())) {
                throw new IOException("its model's bytes do not match the sha256 it recorded");
            }
            return Optional.of(new Entry(model, meta.path("images_used").asInt(-1), meta.path("files_skipped").asInt(-1),
                    meta.path("files_sha256").asText()));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof NoSuchFileException ? "its model file is missing" : e.getMessage();
            console.println("warning: int8 cache entry " + onnx + " is damaged (" + why + "); ignored, calibrating again");
            return Optional.empty();
        }
    }

    /**
     * Stores {@code entry} under {@code key}, replacing any other. A cache that cannot be written is
     * reported on {@code console} and the run goes on.
     */
    public void put(Key key, Entry entry, PrintStream console) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model_sha256", Sha256.hex(entry.model()));
        meta.put("fp32_sha256", key.fp32Sha256());
        meta.put("method", key.method().toString());
        meta.put("images_asked", key.images());
        meta.put("max_pixels", key.maxPixels());
        meta.put("images_used", entry.used());
        meta.put("files_skipped", entry.skipped());
        meta.put("files_sha256", entry.filesSha256());
        meta.put("quantizer", Int8Quantizer.VERSION);
        try {
            Files.createDirectories(dir);
            write(dir.resolve(key.stem() + ".onnx"), entry.model());
            write(dir.resolve(key.stem() + ".json"), JsonFiles.writePretty(meta).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            console.println("warning: cannot write the int8 cache in " + dir + " (" + e.getMessage() + "); the next run calibrates again");
        }
    }

    /** Writes {@code target} whole or not at all: a temporary file beside it, renamed over it. */
    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "int8 cache %s", dir);
    }
}
