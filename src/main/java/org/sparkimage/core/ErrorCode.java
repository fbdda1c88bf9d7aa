package org.sparkimage.core;

import org.sparkimage.image.ImageError;

/**
 * The stable error codes of the output row contract ({@code error_code} column): the image errors
 * ({@link ImageError}, same names) and those of reading and inference. Their names are part of the
 * public output format: never rename one, only add.
 */
public enum ErrorCode {
    /** The file has 0 bytes. */
    EMPTY,
    /** The bytes match no image signature (text, HTML, PDF, archives, random bytes). */
    NOT_AN_IMAGE,
    /** A recognised image format or variant that the decoder set cannot decode (SVG, AVIF, HEIC, ...). */
    UNSUPPORTED_FORMAT,
    /** The data ends before the image is complete; partial decodes are never classified. */
    TRUNCATED,
    /** The data is present but inconsistent (bad entropy data, CRC mismatch, zero dimension, ...). */
    CORRUPT,
    /** The header's dimensions exceed the pixel limit, or the encoded image the byte limit. */
    TOO_LARGE,
    /** Decoding exceeded the per-image time budget. */
    TIMEOUT,
    /** The file could not be read (vanished or I/O failure between listing and reading). */
    READ_ERROR,
    /** The model failed on this image's batch. */
    INFERENCE_FAILED,
    /** A bug in this project; the message says what happened. */
    INTERNAL;

    /** The row code of an image error (the same name). */
    public static ErrorCode of(ImageError e) {
        return valueOf(e.name());
    }
}
