package org.sparkimage.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Int8Models;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.Quantization;
import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.setup.ExecutorMemory;
import org.sparkimage.util.CommandLines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/memory.sh}: what ONNX Runtime takes outside the Java heap in an executor,
 * the figures behind {@link ExecutorMemory}'s sizing of {@code spark.executor.memoryOverhead}.
 *
 * <p>Each (precision, concurrent runs) pair runs in a fresh JVM whose heap is fixed and touched up
 * front ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}), so the resident set ({@code VmRSS},
 * {@code VmHWM} of {@code /proc/self/status}) grows only by native memory: it is read before the
 * session (input buffers already allocated and written), after the product's session is created
 * ({@link EngineRegistry#get}, as an executor does), and after batches of growing size run from
 * that many threads at once on the one session (an executor's concurrent tasks share it).
 * ONNX Runtime's arena keeps what it took, so the peak after a batch size is what that size needs.
 */
@Command(name = "memory", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Measures ONNX Runtime's off-heap memory per session and per batch image (fresh JVM per case).")
public final class OffHeapMemory implements Callable<Integer> {

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N,N,...", description = "Batch sizes, ascending. Default: 1,4,16,32,64.")
    int[] batchSizes = {1, 4, 16, 32, 64};

    @Option(names = "--threads", split = ",", paramLabel = "N,N,...", description = "Concurrent runs on the one session. Default: 1,2.")
    int[] threads = {1, 2};

    @Option(names = "--precisions", split = ",", paramLabel = "fp32,int8", description = "Models. Default: fp32,int8.")
    String[] precisions = {"fp32", "int8"};

    @Option(names = "--calibration", paramLabel = "<dir>",
            description = "Photographs to calibrate the int8 model on. Default: src/test/data/nsfw-mobilenetv2/images.")
    String calibration = "src/test/data/nsfw-mobilenetv2/images";

    @Option(names = "--heap-mb", paramLabel = "MB", description = "Fixed heap of the measuring JVMs. Default: ${DEFAULT-VALUE}.")
    int heapMb = 256;

    /** The measuring JVM: {@code --child <model file> <threads> <batch sizes>}; prints one line per reading. */
    @Option(names = "--child", hidden = true, arity = "3")
    String[] child;

    private final PrintStream console;

    OffHeapMemory(PrintStream console) {
        this.console = console;
    }

    /** Entry point of {@code scripts/memory.sh}. */
    public static void main(String[] args) {
        System.exit(CommandLines.execute(new OffHeapMemory(System.out), System.out, "memory: failed", args));
    }

    @Override
    public Integer call() throws Exception {
        if (child != null) {
            measure(Path.of(child[0]), Integer.parseInt(child[1]),
                    Arrays.stream(child[2].split(",")).mapToInt(Integer::parseInt).toArray());
            return 0;
        }
        ModelBundle fp32 = ModelBundle.resolve("default", null);
        console.printf(Locale.ROOT, "model: default (%.1f MB), input %dx%d; heap fixed at %d MB; %s%n",
                fp32.bytes().length / 1e6, fp32.card().input().width(), fp32.card().input().height(), heapMb,
                ExecutorMemory.describeRule());
        console.println("MiB:      threads batch  rss_before     session   activations     per_image  total+inputs        rule");
        for (String precision : precisions) {
            ModelBundle model = precision.equals("int8") ? int8(fp32) : fp32;
            console.printf(Locale.ROOT, "%s model: %.2f MB%n", precision, model.bytes().length / 1e6);
            Path file = Files.createTempFile("offheap-" + precision, ".onnx");
            try {
                Files.write(file, model.bytes());
                for (int t : threads) run(precision, model, file, t);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        return 0;
    }

    private ModelBundle int8(ModelBundle fp32) throws IOException {
        // 16 calibration images: the ranges do not change the memory, only the time to build it
        Quantization q = new Quantization(Precision.INT8, calibration, 16, Quantization.DEFAULT_METHOD);
        return Int8Models.prepare(fp32, q,
                Int8Models.files(calibration, new org.apache.hadoop.conf.Configuration(), ClassifierSettings.DEFAULT_MAX_IMAGE_BYTES),
                ClassifierSettings.DEFAULTS, console);
    }

    /** One fresh JVM: its readings, printed as a table row per batch size. */
    private void run(String precision, ModelBundle model, Path file, int t) throws IOException, InterruptedException {
        String sizes = Arrays.stream(batchSizes).mapToObj(Integer::toString).reduce((a, b) -> a + "," + b).orElseThrow();
        Path argfile = Files.createTempFile("offheap", ".args");
        Files.writeString(argfile, "-cp\n" + System.getProperty("java.class.path") + "\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms" + heapMb + "m", "-Xmx" + heapMb + "m", "-XX:+AlwaysPreTouch", "@" + argfile,
                OffHeapMemory.class.getName(), "--child", file.toString(), "" + t, sizes);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        Process p = pb.start();
        double before = -1;
        double session = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "before" -> before = Double.parseDouble(f[1]);
                    case "session" -> session = Double.parseDouble(f[1]);
                    case "batch" -> {
                        int b = Integer.parseInt(f[1]);
                        double peak = Double.parseDouble(f[2]);
                        // what a task adds on top: its two direct input tensors (allocated, not measured here)
                        double inputs = 2.0 * t * b * model.card().tensorSize() * Float.BYTES / (1 << 20);
                        console.printf(Locale.ROOT, "%-9s %7d %5d  %10.1f  %10.1f  %12.1f  %12.2f  %12.1f  %10.0f%n", precision,
                                t, b, before, session - before, peak - session, (peak - session) / (t * (double) b),
                                session - before + peak - session + inputs,
                                ExecutorMemory.onnxRuntimeMiB(model.bytes().length, model.card(), b, t));
                    }
                    default -> console.println("  " + line);
                }
            }
        } finally {
            Files.deleteIfExists(argfile);
        }
        if (p.waitFor() != 0) throw new IllegalStateException("the measuring JVM failed with status " + p.exitValue());
    }

    /** The measuring JVM's work; readings in MiB on stdout. */
    private static void measure(Path modelFile, int threads, int[] batchSizes) throws Exception {
        byte[] bytes = Files.readAllBytes(modelFile);
        ModelBundle model = new ModelBundle(bytes, org.sparkimage.model.DefaultModel.embeddedCard(bytes));
        ModelCard card = model.card();
        int max = Arrays.stream(batchSizes).max().orElseThrow();
        List<FloatBuffer> inputs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            FloatBuffer in = ByteBuffer.allocateDirect(max * card.tensorSize() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            java.util.Random random = new java.util.Random(i);
            while (in.hasRemaining()) in.put(random.nextFloat() * 2 - 1);
            inputs.add(in);
        }
        // The native library is loaded with the environment: part of what an executor pays once.
        ai.onnxruntime.OrtEnvironment.getEnvironment();
        System.out.println("before " + rss("VmRSS"));
        OrtEngine engine = EngineRegistry.get(model.sha256(), model::bytes, card, 1);
        System.out.println("session " + rss("VmRSS"));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int b : batchSizes) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                FloatBuffer in = inputs.get(i);
                runs.add(pool.submit(() -> {
                    for (int rep = 0; rep < 2; rep++) {
                        start.await(); // both runs in ONNX Runtime at once
                        engine.run(in, b, false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) f.get();
            System.out.println("batch " + b + " " + rss("VmHWM"));
        }
        pool.shutdown();
    }

    /** A {@code /proc/self/status} line's value in MiB. */
    private static double rss(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
        throw new IOException("no " + key + " in /proc/self/status (Linux only)");
    }
}
