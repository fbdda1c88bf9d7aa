package org.sparkimage.image;

/**
 * Turns the bytes of one image file into pixels, or says with a stable code why not.
 * Implementations must never throw anything but {@link ImageDecodeException} for bad input, must
 * check declared dimensions before allocating pixel buffers, and must be safe to call from several
 * threads at once.
 */
public interface ImageDecoder {
    /** Decodes at the smallest convenient scale that still satisfies {@code hint}. */
    DecodedImage decode(byte[] data, ScaleHint hint) throws ImageDecodeException;

    /** Decodes at full resolution. */
    default RgbImage decode(byte[] data) throws ImageDecodeException {
        return decode(data, ScaleHint.FULL_RESOLUTION).pixels();
    }
}
