package org.sparkimage.engine;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.sparkimage.model.ModelCard;

/**
 * One ONNX Runtime session for one model, safe to share between threads ({@code OrtSession.run}
 * is thread-safe). Each call to {@link #run} uses at most {@code intraOpThreads} threads, so a
 * caller that budgets one run per core never oversubscribes the CPU.
 */
public final class OrtEngine implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelCard card;
    private final int intraOpThreads;
    private final int classes;
    private final int featureSize;

    /** Scores of a batch, row-major, and optionally the pooled features. */
    public record Output(float[] scores, int classes, float[] features, int featureSize) {}

    public OrtEngine(byte[] modelBytes, ModelCard card, int intraOpThreads) throws OrtException {
        this.env = OrtEnvironment.getEnvironment();
        this.card = card;
        this.intraOpThreads = Math.max(1, intraOpThreads);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setIntraOpNumThreads(this.intraOpThreads);
            opts.setInterOpNumThreads(1);
            // Spinning threads would steal the cores the decoders of other tasks need.
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.session = env.createSession(modelBytes, opts);
        }
        this.classes = outputWidth(card.output().name());
        this.featureSize = card.output().features() != null && session.getOutputNames().contains(card.output().features())
                ? outputWidth(card.output().features()) : 0;
        if (classes != card.numClasses()) {
            close();
            throw new IllegalArgumentException("model has " + classes + " outputs in '" + card.output().name()
                    + "' but the card lists " + card.numClasses() + " labels");
        }
    }

    private int outputWidth(String name) throws OrtException {
        var info = session.getOutputInfo().get(name);
        if (info == null) {
            throw new IllegalArgumentException("model has no output '" + name + "'; outputs: " + session.getOutputNames());
        }
        long[] shape = ((ai.onnxruntime.TensorInfo) info.getInfo()).getShape();
        return (int) shape[shape.length - 1];
    }

    /**
     * Runs {@code n} images laid out per the card in {@code input} (positions 0 .. n * tensorSize;
     * a direct buffer is passed to native code without a copy).
     */
    public Output run(FloatBuffer input, int n, boolean withFeatures) throws OrtException {
        FloatBuffer view = input.duplicate();
        view.position(0).limit(n * card.tensorSize());
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, view.slice(), card.inputShape(n))) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put(card.input().name(), tensor);
            java.util.Set<String> wanted = withFeatures && featureSize > 0
                    ? java.util.Set.of(card.output().name(), card.output().features())
                    : java.util.Set.of(card.output().name());
            try (OrtSession.Result result = session.run(feed, wanted)) {
                float[] scores = copy(result, card.output().name(), n * classes);
                float[] features = wanted.size() > 1 ? copy(result, card.output().features(), n * featureSize) : null;
                return new Output(scores, classes, features, features == null ? 0 : featureSize);
            }
        }
    }

    private static float[] copy(OrtSession.Result result, String name, int size) throws OrtException {
        OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow();
        float[] out = new float[size];
        t.getFloatBuffer().get(out);
        return out;
    }

    public ModelCard card() {
        return card;
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    public int featureSize() {
        return featureSize;
    }

    /** Custom metadata stored in the model (e.g. {@code model_card}). */
    public Map<String, String> metadata() throws OrtException {
        return session.getMetadata().getCustomMetadata();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
