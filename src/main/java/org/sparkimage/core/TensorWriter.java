package org.sparkimage.core;

import java.nio.FloatBuffer;

import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;

/**
 * One image into one tensor slot: decode (unless the pixels came decoded) at the settings' scale
 * hint, preprocess per the card, and map every failure to its row's error code. The one place that
 * does this for both the batched partition function and the per-row SQL function.
 */
final class TensorWriter {
    /** The image's upright size, or why it has no tensor. */
    record Written(int width, int height, RowFailure failure) {}

    private final Preprocessor preprocessor;
    private final ImageDecoder decoder;
    private final ScaleHint hint;

    TensorWriter(ModelCard card, ClassifierSettings settings) {
        this.preprocessor = new Preprocessor(card);
        this.decoder = settings.decoder(card);
        this.hint = settings.scaleHint(preprocessor);
    }

    /** Writes {@code in}'s tensor into {@code slot} of {@code dst}; never throws for anything the image holds. */
    Written write(ImageInput in, FloatBuffer dst, int slot) {
        if (in.failure() != null) return new Written(0, 0, in.failure());
        try {
            DecodedImage img = in.pixels() != null ? in.pixels() : decoder.decode(in.bytes(), hint);
            preprocessor.write(img, dst, slot);
            return new Written(img.width(), img.height(), null);
        } catch (ImageDecodeException e) {
            return new Written(0, 0, RowFailure.of(e));
        } catch (RuntimeException | StackOverflowError e) {
            return new Written(0, 0, new RowFailure(ErrorCode.INTERNAL, "unexpected failure: " + e));
        }
    }
}
