package org.sparkimage.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * A Python with PyTorch and onnx for tests that compare the product with PyTorch itself. It is
 * {@code SPARKIMAGE_PYTORCH_PYTHON} when that names one, else a virtual environment that the first
 * test to ask creates with {@code pip install torch onnx onnxscript numpy} from whatever index pip is
 * configured for (here a local wheel store; elsewhere PyPI). The environment lives in the user's
 * cache ({@code ~/.cache/spark-image-classifier/pytorch-venv}),
 * so that a fresh clone tested again on the same machine does not install torch again; it is
 * rebuilt whenever it cannot import torch and onnx. When Python, the venv module or the packages
 * are not to be had, the tests are skipped with the reason, so the test command stays green on a
 * machine without them.
 */
public final class PyTorchEnv {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
    private static Path python;
    private static String unavailable;
    private static boolean dynamo;

    private PyTorchEnv() {}

    /** The Python to run; skips the calling test (JUnit assumption) when there is none. */
    public static synchronized Path pythonOrSkip() {
        if (python == null && unavailable == null) prepare();
        Assumptions.assumeTrue(python != null, () -> "PyTorch is not available: " + unavailable);
        return python;
    }

    /** Whether {@code onnxscript} is installed, which torch.onnx's default (dynamo) exporter needs. */
    public static synchronized boolean hasDynamoExporter() {
        pythonOrSkip();
        return dynamo;
    }

    /** Runs {@code python args...} in the repository root; fails the test on a non-zero exit. */
    public static String run(Path log, Duration timeout, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(pythonOrSkip().toString()));
        cmd.addAll(args);
        try (ForkedProcess p = ForkedProcess.start(log, cmd)) {
            int rc = p.waitFor(timeout);
            if (rc != 0) throw new AssertionError("python " + args + " exited " + rc + ":\n" + tail(p.output()));
            return p.output();
        }
    }

    private static void prepare() {
        try {
            String given = System.getenv("SPARKIMAGE_PYTORCH_PYTHON");
            if (given != null && !given.isBlank()) {
                Path p = Path.of(given);
                String why = importError(p, "import torch, onnx");
                if (why == null) {
                    python = p;
                    dynamo = importError(p, "import onnxscript") == null;
                } else {
                    unavailable = "SPARKIMAGE_PYTORCH_PYTHON=" + given + " cannot import torch and onnx: " + why;
                }
                return;
            }
            Path venv = cacheDir().resolve("pytorch-venv");
            Path bin = venv.resolve("bin/python");
            if (!Files.isExecutable(bin) || importError(bin, "import torch, onnx") != null) create(venv);
            if (unavailable != null) return;
            String why = importError(bin, "import torch, onnx");
            if (why != null) {
                unavailable = "the venv at " + venv + " cannot import torch and onnx: " + why;
                return;
            }
            python = bin;
            dynamo = importError(bin, "import onnxscript") == null;
        } catch (IOException | InterruptedException e) {
            unavailable = e.toString();
        }
    }

    /**
     * {@code ~/.cache/spark-image-classifier}. Not {@code $XDG_CACHE_HOME}: the build points that at
     * {@code target/} for the tests, to keep the product's own caches (int8) out of the user's home,
     * and a venv there would be installed again in every fresh clone.
     */
    private static Path cacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "spark-image-classifier");
    }

    private static void create(Path venv) throws IOException, InterruptedException {
        Files.createDirectories(venv.getParent());
        Path log = venv.getParent().resolve("pytorch-venv.log");
        if (exec(log, Duration.ofMinutes(2), "python3", "-m", "venv", "--clear", venv.toString()) != 0) {
            unavailable = "python3 -m venv failed: " + tail(Files.readString(log));
            return;
        }
        String pip = venv.resolve("bin/pip").toString();
        if (exec(log, INSTALL_TIMEOUT, pip, "install", "--disable-pip-version-check", "torch", "onnx", "numpy") != 0) {
            unavailable = "pip install torch onnx numpy failed: " + tail(Files.readString(log));
            return;
        }
        // Optional: only the dynamo exporter's checks need it.
        exec(log, INSTALL_TIMEOUT, pip, "install", "--disable-pip-version-check", "onnxscript");
    }

    /** Null when {@code code} runs, else the tail of its error. */
    private static String importError(Path python, String code) throws IOException, InterruptedException {
        Path log = Files.createTempFile("pytorch-import", ".log");
        try {
            return exec(log, Duration.ofMinutes(2), python.toString(), "-c", code) == 0 ? null : tail(Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static int exec(Path log, Duration timeout, String... cmd) throws IOException, InterruptedException {
        try (ForkedProcess p = ForkedProcess.start(log, List.of(cmd))) {
            return p.waitFor(timeout);
        } catch (java.io.IOException e) {
            Files.writeString(log, e.toString());
            return -1;
        }
    }

    private static String tail(String s) {
        return s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
    }
}
