package org.sparkimage.bench;

import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;

/**
 * How the benchmark decodes and preprocesses a model's input, built the same way in the driver and
 * in executor tasks (decoders and hints are not serializable; the card and the mode are).
 *
 * @param guarded the guarded decoder with libjpeg-turbo (what the corpus scan decodes with)
 * @param decoder the decoder of {@code --decode}: D's
 * @param hint    the scale hint of {@code --decode}
 * @param pre     the model's preprocessing
 */
record DecodePath(GuardedImageDecoder guarded, ImageDecoder decoder, ScaleHint hint, Preprocessor pre) {

    /** The job's decode path for {@code card} in {@code mode}. */
    static DecodePath of(ModelCard card, DecodeMode mode) {
        Preprocessor pre = new Preprocessor(card);
        GuardedImageDecoder guarded = new GuardedImageDecoder(DecodeLimits.DEFAULT, card.preprocess().background());
        return new DecodePath(guarded, mode.decoder(guarded), mode.hint(pre), pre);
    }

    /** javax.imageio at full resolution: the baseline D is compared with. */
    DecodePath imageio() {
        return new DecodePath(guarded, guarded.withoutNativeJpeg(), ScaleHint.FULL_RESOLUTION, pre);
    }
}
