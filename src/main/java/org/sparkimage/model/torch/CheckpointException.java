package org.sparkimage.model.torch;

/**
 * Thrown for any file that is not a readable checkpoint; message is user-facing.
 *
 * <p>An {@link IllegalArgumentException} because the file is bad input, not an I/O failure:
 * callers that already report bad arguments to the user report this the same way.
 */
public final class CheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A refusal with a message for the user. */
    public CheckpointException(String msg) {
        super(msg);
    }

    /** A refusal caused by a lower-level failure (a damaged zip, say), kept as the cause. */
    public CheckpointException(String msg, Throwable cause) {
        super(msg, cause);
    }
}
