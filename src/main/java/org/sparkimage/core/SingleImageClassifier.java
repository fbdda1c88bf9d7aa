package org.sparkimage.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.model.ModelCard;

/**
 * One image at a time, for callers that get one value per call (the SQL scalar function): the same
 * limits, decoding and preprocessing ({@link TensorWriter}), shared engine ({@link EngineRegistry})
 * and error codes as {@link PartitionClassifier}, with a batch of one and no inference thread. Errors are values:
 * nothing an image contains makes {@link #classify} throw.
 *
 * <p>Not thread-safe (one tensor buffer): {@link #classify} is synchronized, and callers that run
 * on many threads hold one instance per thread.
 */
public final class SingleImageClassifier {
    private final ModelBundle bundle;
    private final ClassifierSettings settings;
    private final TensorWriter tensors;
    private final TopK topK;
    private final OrtEngine engine;
    private final FloatBuffer tensor;

    /**
     * @param bundle         the model and its card
     * @param settings       top-k, size and decode limits, decode mode (batch size and embeddings do not apply)
     * @param intraOpThreads ONNX Runtime threads, if this call creates the JVM's engine for the model
     */
    public SingleImageClassifier(ModelBundle bundle, ClassifierSettings settings, int intraOpThreads) {
        this.bundle = bundle;
        this.settings = settings;
        ModelCard card = bundle.card();
        this.tensors = new TensorWriter(card, settings);
        this.topK = new TopK(settings.topK(), card.labels(), card.output().kind() == ModelCard.OutputKind.LOGITS);
        this.engine = EngineRegistry.get(bundle.sha256(), bundle::bytes, card, intraOpThreads);
        this.tensor = ByteBuffer.allocateDirect(card.tensorSize() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The result for one encoded image; null bytes are an {@code EMPTY} error, as a null table cell is in the job. */
    public synchronized ClassificationResult classify(byte[] encoded) {
        TensorWriter.Written w = tensors.write(ImageInput.inline(null, null, encoded, settings.maxImageBytes()), tensor, 0);
        if (w.failure() != null) return error(w.failure().code(), w.failure().getMessage());
        try {
            OrtEngine.Output out = engine.run(tensor, 1, false);
            return ClassificationResult.ok(w.width(), w.height(), topK.of(out.scores(), 0), bundle.sha256(), null);
        } catch (ai.onnxruntime.OrtException | RuntimeException e) {
            return error(ErrorCode.INFERENCE_FAILED, "model run failed: " + e);
        }
    }

    private ClassificationResult error(ErrorCode code, String message) {
        return ClassificationResult.error(code, message, bundle.sha256());
    }
}
