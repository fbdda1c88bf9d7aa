package org.sparkimage.core;

import org.sparkimage.image.ImageDecodeException;

/**
 * An image that cannot become a prediction, found before it reaches the decoder (a file that
 * vanished, one over the byte limit, a broken archive); its row is an error row with
 * {@link #code()}.
 */
public final class RowFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /** A failure with its row's code and a readable message. */
    public RowFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** A decoder's failure, with the row code of the same name. */
    public static RowFailure of(ImageDecodeException e) {
        return new RowFailure(ErrorCode.of(e.code()), e.getMessage());
    }

    /** The row's error code. */
    public ErrorCode code() {
        return code;
    }
}
