package org.sparkimage.setup;

/**
 * A run that could not start or finish for a reason the user can fix; {@link #exitCode()} is the
 * CLI's exit status.
 */
public final class JobException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The arguments do not fit what they act on (the same status as arguments that do not parse). */
    public static final int EXIT_USAGE = 2;
    /** The input is missing or unreadable. */
    public static final int EXIT_INPUT = 3;
    /** The output exists and neither --overwrite nor --resume was given. */
    public static final int EXIT_OUTPUT_EXISTS = 4;
    /** The model or its card cannot be used. */
    public static final int EXIT_MODEL = 5;
    /** The output cannot be written: a bucket that does not exist, no permission, a committer that is missing. */
    public static final int EXIT_OUTPUT_UNWRITABLE = 6;

    private final int exitCode;

    /** @param exitCode one of the {@code EXIT_} constants */
    public JobException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The CLI's exit status for this failure. */
    public int exitCode() {
        return exitCode;
    }
}
