package org.sparkimage.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import org.sparkimage.model.Layer;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.QdqTensors;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.quant.ActivationRanges;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.ChannelMeans;
import org.sparkimage.model.quant.RangeCollector;
import org.sparkimage.model.quant.TensorRange;

/**
 * Runs a float model over calibration images and records the values of the activations an int8
 * graph quantizes ({@link QdqTensors}: the image tensor when the first conv is int8, and the conv
 * and residual-add outputs it reads). It runs a copy of the model written with every layer exposed
 * as an output, in a session of its own (not the shared {@link EngineRegistry} one), fetches only
 * those tensors, and keeps only fixed-size histograms and sums, so memory does not grow with the
 * number of images. ONNX Runtime writes the fetched tensors into buffers this class owns and
 * reuses (pinned outputs): copying 24 MB of outputs per image out of its memory cost a fifth of
 * each calibration run.
 *
 * <p>Collecting is most of calibration's cost (every value of ~50 tensors goes through a
 * histogram), so each batch's tensors are collected in parallel on {@code workers}, while ONNX
 * Runtime runs the next batch. Each tensor's collector still sees the batches one after another in
 * the order they were added (the per-channel sums are order-sensitive floating point), so the
 * ranges do not depend on the number of threads.
 */
public final class ActivationCalibrator implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final WrittenModel model;
    private final ExecutorService workers;
    private final Map<String, RangeCollector> collectors = new LinkedHashMap<>();
    private final Map<String, ChannelMeans> means = new LinkedHashMap<>();
    /** The model outputs to fetch: the collected tensors but the image, which is the input. */
    private final Set<String> fetched;
    /** Each fetched output's shape, batch dimension first. */
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    /** Two sets of output buffers, used in turn: one is collected while the model writes the other. */
    private final Outputs[] outputs = new Outputs[2];
    private int runs;
    /** The previous batch's collection, finished before the next one starts. */
    private List<Future<?>> pending = List.of();
    private int images;

    /**
     * @param model   the float model
     * @param tensors the tensors to collect
     * @param threads ONNX Runtime intra-op threads
     * @param workers where the values are collected (not shut down by {@link #close()})
     */
    public ActivationCalibrator(WrittenModel model, QdqTensors tensors, int threads, ExecutorService workers) throws OrtException {
        this.model = model;
        this.workers = workers;
        byte[] exposed = MobileNetV2OnnxWriter.write(model.spec(), model.weights(), model.card(),
                new MobileNetV2OnnxWriter.Options(true, Map.of()));
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(Math.max(1, threads));
            opts.setInterOpNumThreads(1);
            // Spinning threads would steal the cores the collectors and decoders run on.
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.session = env.createSession(exposed, opts);
        }
        int res = model.spec().resolution();
        for (String name : tensors.ranged()) collectors.put(name, new RangeCollector());
        if (tensors.averaged().contains(MobileNetV2OnnxWriter.INPUT)) {
            means.put(MobileNetV2OnnxWriter.INPUT, new ChannelMeans(3, res * res, model.card().input().layout() == ModelCard.Layout.NHWC));
        }
        for (Layer l : model.spec().layers()) {
            if (tensors.averaged().contains(l.name())) {
                means.put(l.name(), new ChannelMeans(l.out().channels(), l.out().height() * l.out().width(), false));
            }
        }
        this.fetched = new java.util.TreeSet<>(collectors.keySet());
        fetched.remove(MobileNetV2OnnxWriter.INPUT);
        for (String name : fetched) shapes.put(name, ((TensorInfo) session.getOutputInfo().get(name).getInfo()).getShape());
    }

    /**
     * Adds {@code n} preprocessed images laid out per the card in {@code tensors} (positions
     * {@code 0 .. n * tensorSize}). Returns once the model has run; their values are collected in
     * the background, and {@code tensors} may be reused at once.
     */
    public void add(FloatBuffer tensors, int n) throws OrtException {
        FloatBuffer view = tensors.duplicate();
        view.position(0).limit(n * model.card().tensorSize());
        Map<String, FloatBuffer> values = new LinkedHashMap<>();
        if (collectors.containsKey(MobileNetV2OnnxWriter.INPUT)) {
            FloatBuffer copy = FloatBuffer.allocate(view.remaining());
            copy.put(view.duplicate()).flip();
            values.put(MobileNetV2OnnxWriter.INPUT, copy);
        }
        Outputs out = outputs(n);
        try (OnnxTensor t = OnnxTensor.createTensor(env, view.slice(), model.card().inputShape(n))) {
            session.run(Map.of(model.card().input().name(), t), Set.of(), out.tensors).close(); // leaves the pinned outputs open
        }
        out.buffers.forEach((name, b) -> values.put(name, b.duplicate()));
        awaitPending();
        List<Future<?>> tasks = new ArrayList<>(values.size());
        values.forEach((name, v) -> tasks.add(workers.submit(() -> collect(name, v))));
        pending = tasks;
        images += n;
        runs++;
    }

    /**
     * The output set for this run, for {@code n} images: the one the model wrote two runs ago, whose
     * collection {@link #add} has waited for, or a new one when the batch size changed.
     */
    private Outputs outputs(int n) throws OrtException {
        int turn = runs % 2;
        if (outputs[turn] == null || outputs[turn].batch != n) {
            if (outputs[turn] != null) outputs[turn].close();
            outputs[turn] = null;
            outputs[turn] = new Outputs(n);
        }
        return outputs[turn];
    }

    /** Output buffers for a batch of {@code batch} images, and the tensors over them that ONNX Runtime writes. */
    private final class Outputs implements AutoCloseable {
        final int batch;
        final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
        final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

        Outputs(int batch) throws OrtException {
            this.batch = batch;
            try {
                for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                    long[] shape = e.getValue().clone();
                    shape[0] = batch;
                    long count = 1;
                    for (long d : shape) count *= d;
                    FloatBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(count * Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
                    buffers.put(e.getKey(), b);
                    tensors.put(e.getKey(), OnnxTensor.createTensor(env, b, shape));
                }
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private void collect(String name, FloatBuffer values) {
        collectors.get(name).add(values);
        ChannelMeans m = means.get(name);
        if (m != null) m.add(values);
    }

    /** Waits for the previous batch's collection; a failure there is rethrown here. */
    private void awaitPending() {
        try {
            for (Future<?> f : pending) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while collecting calibration values", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        pending = List.of();
    }

    /** Images added so far. */
    public int images() {
        return images;
    }

    /**
     * The ranges of every collected activation by {@code method}.
     *
     * @param digest sha256 over the calibration images, recorded in the int8 model's metadata
     * @throws IllegalStateException when no image was added
     */
    public ActivationRanges ranges(CalibrationMethod method, String digest) {
        if (images == 0) throw new IllegalStateException("no calibration image was added");
        awaitPending();
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        collectors.forEach((name, c) -> ranges.put(name, c.range(method)));
        Map<String, float[]> channelMeans = new LinkedHashMap<>();
        means.forEach((name, m) -> channelMeans.put(name, m.means()));
        return new ActivationRanges(ranges, channelMeans, method, images, digest);
    }

    /** Cancels collection not yet started (after a failure; {@link #ranges} waits for all of it), then closes the session. */
    @Override
    public void close() throws OrtException {
        try {
            for (Future<?> f : pending) f.cancel(false);
        } finally {
            try {
                for (Outputs o : outputs) if (o != null) o.close();
            } finally {
                session.close();
            }
        }
    }
}
