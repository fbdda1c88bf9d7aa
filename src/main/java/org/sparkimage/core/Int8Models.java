package org.sparkimage.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;

import ai.onnxruntime.OrtException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.sparkimage.engine.CpuFeatures;
import org.sparkimage.engine.Int8Quantizer;
import org.sparkimage.model.quant.Precision;

/**
 * The driver's int8 step, shared by the CLI job, the ML transformer and the benchmark: quantizes
 * the resolved float model once, before it is broadcast, so every executor runs the same bytes
 * (and every row names their sha256).
 */
public final class Int8Models {
    private Int8Models() {}

    /** Calibration files kept in memory between the cache's digest and calibration (read twice past that). */
    static final long KEEP_BYTES = 128L << 20;

    /**
     * How the int8 model of a run came to be, apart from the job's own time.
     *
     * @param seconds  wall time of the int8 step: reading and hashing the calibration files, and on
     *                 a cache miss decoding them, running calibration and writing the model
     * @param cache    {@code hit}, {@code miss} or {@code off}
     * @param images   calibration images the model was calibrated on
     */
    public record Calibration(double seconds, String cache, int images) {}

    /**
     * The model to broadcast and, when it was quantized here, how.
     *
     * @param model       what executors run
     * @param calibration null unless this run built or reused an int8 model
     */
    public record Prepared(ModelBundle model, Calibration calibration) {}

    /**
     * The model to broadcast for {@code q}: {@code model} itself for fp32 or a model that is already
     * int8; else its int8 form, calibrated on {@code calibration}.
     *
     * @param calibration encoded images in a fixed order (files that do not decode are skipped);
     *                    each {@code iterator()} reads them from the start
     * @param limits      decode limits for the calibration images
     * @param console     where the calibration line and warnings go
     * @throws IllegalArgumentException with a message for the user when the model cannot be
     *                                  quantized or too few calibration images decode
     */
    public static ModelBundle prepare(ModelBundle model, Quantization q, Iterable<byte[]> calibration,
                                      ClassifierSettings settings, PrintStream console) {
        return quantize(model, q, calibration, settings, console).model();
    }

    /**
     * As {@link #prepare}, saying how long the int8 step took and whether {@code q}'s cache
     * ({@link Int8Cache#resolve}) had the model: a cached model built from the same float model,
     * method, image count and calibration files is reused without decoding anything (the files are
     * still read, to hash them); a new one is stored there.
     */
    public static Prepared quantize(ModelBundle model, Quantization q, Iterable<byte[]> calibration,
                                    ClassifierSettings settings, PrintStream console) {
        if (q.precision() == Precision.FP32 || model.precision() == Precision.INT8) return new Prepared(model, null);
        if (!CpuFeatures.hasInt8DotProduct()) {
            console.println("warning: this CPU has no int8 dot-product instructions (" + CpuFeatures.describe()
                    + "): int8 may be no faster than fp32 and its u8s8 kernels can saturate; check agreement with"
                    + " scripts/agreement.sh before trusting its labels");
        }
        model = adopted(model, console);
        long t0 = System.nanoTime();
        Optional<Int8Cache> cache = Int8Cache.resolve(q.cache());
        Cached built = cachedOrBuilt(model, q, calibration, settings, cache, console);
        Int8Cache.Entry entry = built.entry();
        if (entry.used() < q.calibrationImages()) {
            console.printf(Locale.ROOT, "warning: int8 calibrated on %d image(s), fewer than the %d asked: the source has no more"
                    + " decodable images%n", entry.used(), q.calibrationImages());
        }
        ModelBundle int8 = new ModelBundle(entry.model(), model.card());
        double seconds = (System.nanoTime() - t0) / 1e9;
        console.printf(Locale.ROOT, "int8: calibrated on %d image(s) (%s, %d skipped)%s in %.1f s; model sha256 %s%n",
                entry.used(), q.method(), entry.skipped(),
                cache.map(c -> (built.hit() ? ", reused from " : ", stored in ") + c.directory()).orElse(""), seconds, int8.sha256());
        return new Prepared(int8, new Calibration(seconds, cache.isEmpty() ? "off" : built.hit() ? "hit" : "miss", entry.used()));
    }

    /** Too few calibration images decoded: an IllegalArgumentException whose message is for the user as it is. */
    private static final class TooFewImages extends IllegalArgumentException {
        TooFewImages(String message) {
            super(message);
        }
    }

    /** An int8 model and whether it came from the cache. */
    private record Cached(Int8Cache.Entry entry, boolean hit) {}

    /** The cached model for these inputs, else one calibrated now (and stored in the cache, if any). */
    private static Cached cachedOrBuilt(ModelBundle fp32, Quantization q, Iterable<byte[]> calibration,
                                        ClassifierSettings settings, Optional<Int8Cache> cache, PrintStream console) {
        CalibrationSample sample = new CalibrationSample(calibration, KEEP_BYTES);
        try {
            Int8Cache.Key key = null;
            if (cache.isPresent()) {
                key = new Int8Cache.Key(fp32.sha256(), sample.digest(q.calibrationImages()), q.method(),
                        q.calibrationImages(), settings.decodeLimits().maxPixels());
                Optional<Int8Cache.Entry> hit = cache.get().get(key, console)
                        // Skipped files made calibration read past the key's files: those must match too.
                        .filter(e -> sample.digest(e.filesRead()).equals(e.filesSha256()));
                if (hit.isPresent()) {
                    checkEnough(hit.get(), q); // the minimum may have risen since
                    return new Cached(hit.get(), true);
                }
            }
            Int8Quantizer.Result r = Int8Quantizer.quantize(fp32.bytes(), sample.images(), q.calibrationImages(),
                    q.method(), settings.decodeLimits(), Int8Quantizer.defaultThreads());
            Int8Cache.Entry built = new Int8Cache.Entry(r.model(), r.used(), r.skipped(), sample.digest(r.used() + r.skipped()));
            checkEnough(built, q);
            if (key != null) cache.get().put(key, built, console);
            return new Cached(built, false);
        } catch (TooFewImages e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("int8 needs a MobileNetV2 written by this project: " + e.getMessage()
                    + "; run it with --precision fp32", e);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("int8 calibration: " + e.getMessage() + where(q));
        } catch (OrtException e) {
            throw new IllegalArgumentException("int8 calibration failed in ONNX Runtime: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("int8 calibration: cannot read a calibration image: " + e.getCause().getMessage(), e);
        }
    }

    /** Refuses a model calibrated on too few images. */
    private static void checkEnough(Int8Cache.Entry e, Quantization q) {
        if (e.used() < Quantization.MIN_CALIBRATION_IMAGES) {
            throw new TooFewImages(String.format(Locale.ROOT,
                    "int8 calibration: only %d image(s) decoded (%d skipped), at least %d are needed%s",
                    e.used(), e.skipped(), Quantization.MIN_CALIBRATION_IMAGES, where(q)));
        }
    }

    /**
     * {@code model} as one the project wrote (int8 rebuilds the graph from spec and weights): an
     * ONNX MobileNetV2 exported elsewhere is adopted first and says so on the console.
     */
    private static ModelBundle adopted(ModelBundle model, PrintStream console) {
        ModelBundle written;
        try {
            written = model.written();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("int8 needs a MobileNetV2 this project wrote, imported or can recognise: "
                    + e.getMessage() + "; run it with --precision fp32", e);
        }
        if (written != model) {
            console.println("int8: the model's graph is a MobileNetV2; adopted and re-written by this project (fp32 sha256 "
                    + written.sha256() + ")");
        }
        return written;
    }

    private static String where(Quantization q) {
        return q.calibration() == null ? " among the first files of the input; pass --calibration <folder of photographs>"
                : " in " + q.calibration();
    }

    /**
     * The files under {@code source} (a file, folder walked recursively, or glob, through its Hadoop
     * file system), sorted by path, read one at a time as they are consumed (each {@code iterator()}
     * from the first); files larger than
     * {@code maxBytes} and names starting with {@code .} or {@code _} are left out. For a calibration
     * folder named by the ML transformer's Param; the CLI lists through {@code job.CalibrationFiles}
     * (its input lister), which walks large local folders faster ({@code listFiles} costs ~3 ms a
     * local file).
     *
     * @throws IOException when {@code source} cannot be listed or matches nothing
     */
    public static Iterable<byte[]> files(String source, Configuration hadoop, long maxBytes) throws IOException {
        Path pattern = new Path(source);
        FileSystem fs = pattern.getFileSystem(hadoop);
        FileStatus[] roots = fs.globStatus(pattern);
        if (roots == null || roots.length == 0) throw new IOException("calibration source " + source + " does not exist");
        List<FileStatus> found = new ArrayList<>();
        for (FileStatus root : roots) {
            if (root.isFile()) {
                found.add(root);
                continue;
            }
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root.getPath(), true);
            while (it.hasNext()) {
                LocatedFileStatus f = it.next();
                String name = f.getPath().getName();
                if (!name.startsWith(".") && !name.startsWith("_") && f.getLen() <= maxBytes) found.add(f);
            }
        }
        found.sort(Comparator.comparing(f -> f.getPath().toString()));
        return read(fs, found.stream().map(FileStatus::getPath).toList());
    }

    /** The bytes of {@code paths}, read one at a time as they are consumed; each {@code iterator()} reads them again. */
    public static Iterable<byte[]> read(FileSystem fs, List<Path> paths) {
        List<Path> files = List.copyOf(paths);
        return () -> reader(fs, files.iterator());
    }

    private static Iterator<byte[]> reader(FileSystem fs, Iterator<Path> it) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public byte[] next() {
                if (!it.hasNext()) throw new NoSuchElementException();
                Path p = it.next();
                try (InputStream in = fs.open(p)) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(p + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
