package org.sparkimage.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * A Python with the outside tools a test compares the product with: {@link #TORCH} (PyTorch and
 * onnx) or {@link #DATA} (pyarrow, DuckDB, Polars, pandas and Hugging Face {@code datasets}).
 *
 * <p>Each is the interpreter named by its environment variable when set, else a virtual
 * environment that the first test to ask creates with {@code pip install} from whatever index pip
 * is configured for (here a local wheel store; elsewhere PyPI). It lives in the user's cache
 * ({@code ~/.cache/spark-image-classifier/<name>-venv}), so that a fresh clone tested again on the
 * same machine does not install again, and is rebuilt whenever it cannot import its packages. When
 * Python, the venv module or the packages are not to be had, the tests are skipped with the reason,
 * so the test command stays green on a machine without them.
 */
public final class PythonEnv {
    /** torch, onnx and numpy; onnxscript (torch.onnx's dynamo exporter) where it installs. */
    public static final PythonEnv TORCH = new PythonEnv("pytorch", "SPARKIMAGE_PYTORCH_PYTHON",
            List.of("torch", "onnx", "numpy"), "import torch, onnx", List.of("onnxscript"));
    /** The readers of the product's outputs outside Spark, and the library that builds Hugging Face datasets. */
    public static final PythonEnv DATA = new PythonEnv("data", "SPARKIMAGE_DATA_PYTHON",
            List.of("pyarrow", "duckdb", "polars", "pandas", "pytz", "datasets", "Pillow"),
            "import pyarrow, duckdb, polars, pandas, pytz, datasets, PIL", List.of()); // DuckDB needs pytz for time zones

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);

    private final String name;
    private final String variable;
    private final List<String> packages;
    private final String imports;
    private final List<String> optional;
    private Path python;
    private String unavailable;

    private PythonEnv(String name, String variable, List<String> packages, String imports, List<String> optional) {
        this.name = name;
        this.variable = variable;
        this.packages = packages;
        this.imports = imports;
        this.optional = optional;
    }

    /** The Python to run; skips the calling test (JUnit assumption) when there is none. */
    public synchronized Path pythonOrSkip() {
        if (python == null && unavailable == null) prepare();
        Assumptions.assumeTrue(python != null, () -> packages + " are not available: " + unavailable);
        return python;
    }

    /** Whether {@code module} imports in this environment (for optional packages). */
    public synchronized boolean has(String module) throws IOException, InterruptedException {
        return importError(pythonOrSkip(), "import " + module) == null;
    }

    /** Runs {@code python args...} in the repository root; fails the test on a non-zero exit. */
    public String run(Path log, Duration timeout, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(pythonOrSkip().toString()));
        cmd.addAll(args);
        try (ForkedProcess p = ForkedProcess.start(log, cmd)) {
            int rc = p.waitFor(timeout);
            if (rc != 0) throw new AssertionError("python " + args + " exited " + rc + ":\n" + tail(p.output()));
            return p.output();
        }
    }

    private void prepare() {
        try {
            String given = System.getenv(variable);
            if (given != null && !given.isBlank()) {
                Path p = Path.of(given);
                String why = importError(p, imports);
                if (why == null) python = p;
                else unavailable = variable + "=" + given + " cannot run '" + imports + "': " + why;
                return;
            }
            Path venv = cacheDir().resolve(name + "-venv");
            Path bin = venv.resolve("bin/python");
            if (!Files.isExecutable(bin) || importError(bin, imports) != null) create(venv);
            if (unavailable != null) return;
            String why = importError(bin, imports);
            if (why != null) {
                unavailable = "the venv at " + venv + " cannot run '" + imports + "': " + why;
                return;
            }
            python = bin;
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

    private void create(Path venv) throws IOException, InterruptedException {
        Files.createDirectories(venv.getParent());
        Path log = venv.getParent().resolve(name + "-venv.log");
        if (exec(log, Duration.ofMinutes(2), "python3", "-m", "venv", "--clear", venv.toString()) != 0) {
            unavailable = "python3 -m venv failed: " + tail(Files.readString(log));
            return;
        }
        String pip = venv.resolve("bin/pip").toString();
        List<String> install = new ArrayList<>(List.of(pip, "install", "--disable-pip-version-check"));
        install.addAll(localIndexes(pip));
        install.addAll(packages);
        if (exec(log, INSTALL_TIMEOUT, install.toArray(String[]::new)) != 0) {
            unavailable = "pip install " + String.join(" ", packages) + " failed: " + tail(Files.readString(log));
            return;
        }
        for (String o : optional) {
            List<String> one = new ArrayList<>(List.of(pip, "install", "--disable-pip-version-check"));
            one.addAll(localIndexes(pip));
            one.add(o);
            exec(log, INSTALL_TIMEOUT, one.toArray(String[]::new));
        }
    }

    /**
     * Where pip's configured extra indexes are all local ({@code file:} URLs, a wheel store on a
     * machine without the internet), them as {@code --index-url}/{@code --extra-index-url}: pip
     * would otherwise also ask the unreachable public index for every package and wait out its
     * retries (measured here: 5 min 25 s against 43 s for the same install). Elsewhere nothing:
     * pip's own configuration as it is.
     */
    private static List<String> localIndexes(String pip) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pip-config", ".txt");
        try {
            if (exec(out, Duration.ofMinutes(1), pip, "config", "get", "global.extra-index-url") != 0) return List.of();
            List<String> urls = List.of(Files.readString(out).strip().split("\\s+"));
            if (urls.isEmpty() || !urls.stream().allMatch(u -> u.startsWith("file:"))) return List.of();
            List<String> args = new ArrayList<>(List.of("--index-url", urls.get(0)));
            for (String u : urls.subList(1, urls.size())) args.addAll(List.of("--extra-index-url", u));
            return args;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Null when {@code code} runs, else the tail of its error. */
    private static String importError(Path python, String code) throws IOException, InterruptedException {
        Path log = Files.createTempFile("python-import", ".log");
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
