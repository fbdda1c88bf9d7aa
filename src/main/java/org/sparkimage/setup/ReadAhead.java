package org.sparkimage.setup;

import java.io.Serializable;

/**
 * How far a task reads listed files ahead of its decoding: on an object store a GET costs tens of
 * milliseconds before its first byte, so while the task decodes one image the next ones are
 * already in flight on its executor's shared I/O pool ({@link org.sparkimage.io.IoPool}). Local
 * files are read ahead too: measured, that was 11-20 % faster than reading them on the task thread
 * (docs/throughput.md, "Object stores"). Defined and defaulted here once; the CLI's
 * {@code --read-ahead-*} options and the benchmark take these.
 *
 * @param files   files read ahead per task at most; 0 turns read-ahead off
 * @param bytes   bytes (listed sizes) read ahead per task at most; one larger file is still read alone
 * @param threads I/O threads per executor JVM, shared by its tasks
 */
public record ReadAhead(int files, long bytes, int threads) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Files per task in flight unless asked otherwise (measured: docs/throughput.md, "Object stores"). */
    public static final int DEFAULT_FILES = 16;
    /** Megabytes per task in flight unless asked otherwise: 16 ImageNet-sized JPEGs are ~2 MB; this bounds large files. */
    public static final int DEFAULT_MB = 32;
    /** I/O threads per executor unless asked otherwise: enough for the default files of 4 concurrent tasks. */
    public static final int DEFAULT_THREADS = 64;

    /** The defaults. */
    public static final ReadAhead DEFAULT = new ReadAhead(DEFAULT_FILES, (long) DEFAULT_MB << 20, DEFAULT_THREADS);
    /** No read-ahead: every file read on the task thread when its turn comes. */
    public static final ReadAhead OFF = new ReadAhead(0, 0, 1);

    /** Checks the values; the messages name the CLI options. */
    public ReadAhead {
        if (files < 0) throw new IllegalArgumentException("--read-ahead-files must be >= 0");
        if (files > 0 && bytes < 1) throw new IllegalArgumentException("--read-ahead-mb must be positive");
        if (threads < 1) throw new IllegalArgumentException("--read-ahead-threads must be >= 1");
    }

    /** From the CLI's units. */
    public static ReadAhead of(int files, int megabytes, int threads) {
        return new ReadAhead(files, (long) megabytes << 20, threads);
    }

    /** A copy with another number of files read ahead. */
    public ReadAhead withFiles(int n) {
        return new ReadAhead(n, bytes, threads);
    }

    /** What a file of unknown size counts against {@link #bytes()} while it is read: an even share of the bound. */
    public long unknownSizeShare() {
        return bytes / Math.max(1, files);
    }

    /** Whether reads are started ahead at all. */
    public boolean on() {
        return files > 0;
    }
}
