package org.sparkimage.engine;

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
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

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
 * number of images.
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
        try (OnnxTensor t = OnnxTensor.createTensor(env, view.slice(), model.card().inputShape(n));
             OrtSession.Result result = session.run(Map.of(model.card().input().name(), t), fetched)) {
            for (Map.Entry<String, OnnxValue> e : result) {
                values.put(e.getKey(), ((OnnxTensor) e.getValue()).getFloatBuffer()); // a copy, outliving the result
            }
        }
        awaitPending();
        List<Future<?>> tasks = new ArrayList<>(values.size());
        values.forEach((name, v) -> tasks.add(workers.submit(() -> collect(name, v))));
        pending = tasks;
        images += n;
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
            session.close();
        }
    }
}
