package org.sparkimage.engine;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.sparkimage.model.Layer;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.quant.ActivationRanges;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.ChannelMeans;
import org.sparkimage.model.quant.RangeCollector;

/**
 * Runs a float model over calibration images and records the values of every activation an int8
 * graph quantizes: the image tensor and each conv and residual-add output. It runs a copy of the
 * model written with every layer exposed as an output, in a session of its own (not the shared
 * {@link EngineRegistry} one), and keeps only fixed-size histograms, so memory does not grow with
 * the number of images.
 */
public final class ActivationCalibrator implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final WrittenModel model;
    private final Map<String, RangeCollector> collectors = new LinkedHashMap<>();
    private final Map<String, ChannelMeans> means = new LinkedHashMap<>();
    private int images;

    /**
     * @param model   the float model
     * @param threads ONNX Runtime intra-op threads
     */
    public ActivationCalibrator(WrittenModel model, int threads) throws OrtException {
        this.model = model;
        byte[] exposed = MobileNetV2OnnxWriter.write(model.spec(), model.weights(), model.card(),
                new MobileNetV2OnnxWriter.Options(true, Map.of()));
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(Math.max(1, threads));
            opts.setInterOpNumThreads(1);
            this.session = env.createSession(exposed, opts);
        }
        int res = model.spec().resolution();
        collectors.put(MobileNetV2OnnxWriter.INPUT, new RangeCollector());
        means.put(MobileNetV2OnnxWriter.INPUT, new ChannelMeans(3, res * res, model.card().input().layout() == ModelCard.Layout.NHWC));
        for (Layer l : model.spec().layers()) {
            if (l.kind() == Layer.Kind.CONV || l.kind() == Layer.Kind.ADD) {
                collectors.put(l.name(), new RangeCollector());
                means.put(l.name(), new ChannelMeans(l.out().channels(), l.out().height() * l.out().width(), false));
            }
        }
    }

    /**
     * Adds {@code n} preprocessed images laid out per the card in {@code tensors} (positions
     * {@code 0 .. n * tensorSize}).
     */
    public void add(FloatBuffer tensors, int n) throws OrtException {
        FloatBuffer view = tensors.duplicate();
        view.position(0).limit(n * model.card().tensorSize());
        FloatBuffer input = view.slice();
        collectors.get(MobileNetV2OnnxWriter.INPUT).add(input);
        means.get(MobileNetV2OnnxWriter.INPUT).add(input);
        try (OnnxTensor t = OnnxTensor.createTensor(env, input, model.card().inputShape(n));
             OrtSession.Result result = session.run(Map.of(model.card().input().name(), t), collectors.keySet().stream()
                     .filter(k -> !k.equals(MobileNetV2OnnxWriter.INPUT)).collect(java.util.stream.Collectors.toSet()))) {
            for (Map.Entry<String, OnnxValue> e : result) {
                FloatBuffer values = ((OnnxTensor) e.getValue()).getFloatBuffer();
                collectors.get(e.getKey()).add(values);
                means.get(e.getKey()).add(values);
            }
        }
        images += n;
    }

    /** Images added so far. */
    public int images() {
        return images;
    }

    /**
     * The ranges of every activation by {@code method}.
     *
     * @param digest sha256 over the calibration images, recorded in the int8 model's metadata
     * @throws IllegalStateException when no image was added
     */
    public ActivationRanges ranges(CalibrationMethod method, String digest) {
        if (images == 0) throw new IllegalStateException("no calibration image was added");
        Map<String, org.sparkimage.model.quant.TensorRange> ranges = new LinkedHashMap<>();
        collectors.forEach((name, c) -> ranges.put(name, c.range(method)));
        Map<String, float[]> channelMeans = new LinkedHashMap<>();
        means.forEach((name, m) -> channelMeans.put(name, m.means()));
        return new ActivationRanges(ranges, channelMeans, method, images, digest);
    }


    @Override
    public void close() throws OrtException {
        session.close();
    }
}
