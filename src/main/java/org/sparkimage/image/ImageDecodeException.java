package org.sparkimage.image;

/** A file could not be turned into pixels; carries the stable {@link ErrorCode} of its output row. */
public final class ImageDecodeException extends Exception {
    private final ErrorCode code;

    public ImageDecodeException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ImageDecodeException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
