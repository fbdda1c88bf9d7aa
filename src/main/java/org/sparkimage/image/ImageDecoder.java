package org.sparkimage.image;

/**
 * Turns the bytes of one image file into an {@link RgbImage}, or says with a stable code why not.
 * Implementations must never throw anything but {@link ImageDecodeException} for bad input, must
 * check declared dimensions before allocating pixel buffers, and must be safe to call from several
 * threads at once.
 */
public interface ImageDecoder {
    RgbImage decode(byte[] data) throws ImageDecodeException;
}
