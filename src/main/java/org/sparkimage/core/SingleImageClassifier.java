package org.sparkimage.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;

/**
 * One image at a time, for callers that get one value per call (the SQL scalar function): the same
 * limits, decoder, preprocessing, shared engine ({@link EngineRegistry}) and error codes as
 * {@link PartitionClassifier}, with a batch of one and no inference thread. Errors are values:
 * nothing an image contains makes {@link #classify} throw.
 *
 * <p>Not thread-safe (one tensor buffer): {@link #classify} is synchronized, and callers that run
 * on many threads hold one instance per thread.
 */
public final class SingleImageClassifier {
    private final ModelBundle bundle;
    private final ClassifierSettings settings;
    private final Preprocessor preprocessor;
    private final ImageDecoder decoder;
    private final ScaleHint hint;
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
        this.preprocessor = new Preprocessor(card);
        this.decoder = settings.decoder(card);
        this.hint = settings.scaleHint(preprocessor);
        this.topK = new TopK(settings.topK(), card.labels(), card.output().kind() == ModelCard.OutputKind.LOGITS);
        this.engine = EngineRegistry.get(bundle.sha256(), bundle::bytes, card, intraOpThreads);
        this.tensor = ByteBuffer.allocateDirect(card.tensorSize() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The result for one encoded image; null bytes are an {@code EMPTY} error, as a null table cell is in the job. */
    public synchronized ClassificationResult classify(byte[] encoded) {
        ImageInput in = ImageInput.inline(null, null, encoded, settings.maxImageBytes());
        if (in.failure() != null) return error(in.failure().code(), in.failure().getMessage());
        DecodedImage img;
        try {
            img = decoder.decode(in.bytes(), hint);
            preprocessor.write(img.pixels(), tensor, 0);
        } catch (ImageDecodeException e) {
            return error(ErrorCode.of(e.code()), e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return error(ErrorCode.INTERNAL, "unexpected failure: " + e);
        }
        try {
            OrtEngine.Output out = engine.run(tensor, 1, false);
            return ClassificationResult.ok(img.width(), img.height(), topK.of(out.scores(), 0), bundle.sha256(), null);
        } catch (ai.onnxruntime.OrtException | RuntimeException e) {
            return error(ErrorCode.INFERENCE_FAILED, "model run failed: " + e);
        }
    }

    private ClassificationResult error(ErrorCode code, String message) {
        return ClassificationResult.error(code, message, bundle.sha256());
    }
}
