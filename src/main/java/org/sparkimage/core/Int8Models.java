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

    /**
     * The model to broadcast for {@code q}: {@code model} itself for fp32 or a model that is already
     * int8; else its int8 form, calibrated on {@code calibration}.
     *
     * @param calibration encoded images in a fixed order (files that do not decode are skipped)
     * @param limits      decode limits for the calibration images
     * @param console     where the calibration line and warnings go
     * @throws IllegalArgumentException with a message for the user when the model cannot be
     *                                  quantized or too few calibration images decode
     */
    public static ModelBundle prepare(ModelBundle model, Quantization q, Iterator<byte[]> calibration,
                                      ClassifierSettings settings, PrintStream console) {
        if (q.precision() == Precision.FP32 || model.precision() == Precision.INT8) return model;
        if (!CpuFeatures.hasInt8DotProduct()) {
            console.println("warning: this CPU has no int8 dot-product instructions (" + CpuFeatures.describe()
                    + "): int8 may be no faster than fp32 and its u8s8 kernels can saturate; check agreement with"
                    + " scripts/agreement.sh before trusting its labels");
        }
        model = adopted(model, console);
        long t0 = System.nanoTime();
        Int8Quantizer.Result r;
        try {
            r = Int8Quantizer.quantize(model.bytes(), calibration, q.calibrationImages(), q.method(),
                    settings.decodeLimits(), Int8Quantizer.defaultThreads());
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("int8 calibration: " + e.getMessage() + where(q));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("int8 needs a MobileNetV2 written by this project: " + e.getMessage()
                    + "; run it with --precision fp32", e);
        } catch (OrtException e) {
            throw new IllegalArgumentException("int8 calibration failed in ONNX Runtime: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("int8 calibration: cannot read a calibration image: " + e.getCause().getMessage(), e);
        }
        if (r.used() < Quantization.MIN_CALIBRATION_IMAGES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "int8 calibration: only %d image(s) decoded (%d skipped), at least %d are needed%s",
                    r.used(), r.skipped(), Quantization.MIN_CALIBRATION_IMAGES, where(q)));
        }
        if (r.used() < q.calibrationImages()) {
            console.printf(Locale.ROOT, "warning: int8 calibrated on %d image(s), fewer than the %d asked: the source has no more"
                    + " decodable images%n", r.used(), q.calibrationImages());
        }
        ModelBundle int8 = new ModelBundle(r.model(), model.card());
        console.printf(Locale.ROOT, "int8: calibrated on %d image(s) (%s, %d skipped) in %.1f s; model sha256 %s%n",
                r.used(), q.method(), r.skipped(), (System.nanoTime() - t0) / 1e9, int8.sha256());
        return int8;
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
     * file system), sorted by path, read one at a time as they are consumed; files larger than
     * {@code maxBytes} and names starting with {@code .} or {@code _} are left out. For a calibration
     * folder named by the ML transformer's Param; the CLI lists through {@code job.CalibrationFiles}
     * (its input lister), which walks large local folders faster ({@code listFiles} costs ~3 ms a
     * local file).
     *
     * @throws IOException when {@code source} cannot be listed or matches nothing
     */
    public static Iterator<byte[]> files(String source, Configuration hadoop, long maxBytes) throws IOException {
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

    /** The bytes of {@code paths}, read one at a time as they are consumed. */
    public static Iterator<byte[]> read(FileSystem fs, List<Path> paths) {
        Iterator<Path> it = paths.iterator();
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
