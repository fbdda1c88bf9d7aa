package org.sparkimage.image;

/** A file could not be turned into pixels; carries the stable {@link ImageError} of its output row. */
public final class ImageDecodeException extends Exception {
    private final ImageError code;

    public ImageDecodeException(ImageError code, String message) {
        super(message);
        this.code = code;
    }

    public ImageDecodeException(ImageError code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ImageError code() {
        return code;
    }
}
