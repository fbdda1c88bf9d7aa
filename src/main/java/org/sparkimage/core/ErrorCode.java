package org.sparkimage.core;

import org.sparkimage.image.ImageError;

/**
 * The stable error codes of the output row contract ({@code error_code} column): the image errors
 * ({@link ImageError}, same names) and those of reading and inference. Their names are part of the
 * public output format: never rename one, only add.
 */
public enum ErrorCode {
    /** {@link ImageError#EMPTY}. */
    EMPTY,
    /** {@link ImageError#NOT_AN_IMAGE}. */
    NOT_AN_IMAGE,
    /** {@link ImageError#UNSUPPORTED_FORMAT}. */
    UNSUPPORTED_FORMAT,
    /** {@link ImageError#TRUNCATED}. */
    TRUNCATED,
    /** {@link ImageError#CORRUPT}. */
    CORRUPT,
    /** {@link ImageError#TOO_LARGE}, or an encoded image over the byte limit. */
    TOO_LARGE,
    /** {@link ImageError#TIMEOUT}. */
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
