package org.sparkimage.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Which files are tar shards, and how their bytes are read: {@code .tar} as is, {@code .tar.gz}
 * and {@code .tgz} through gzip (WebDataset writes both). Member sizes stay bounded by
 * {@link TarReader}'s limit whatever the compression ratio.
 */
public final class TarShards {
    /** A shard's name ending, as a regular expression (case-insensitive). */
    static final String SUFFIX_REGEX = "\\.(?i:tar|tar\\.gz|tgz)";
    private static final Pattern SUFFIX = Pattern.compile(".*" + SUFFIX_REGEX);
    private static final int BUFFER_BYTES = 1 << 16;

    private TarShards() {}

    /** Listed files with these suffixes are read as shards, one image per member. */
    public static boolean isShard(String path) {
        return SUFFIX.matcher(path).matches();
    }

    /** The archive's tar bytes from the shard file's raw stream (which the result closes). */
    public static InputStream tarStream(String path, InputStream raw) throws IOException {
        InputStream buffered = new BufferedInputStream(raw, BUFFER_BYTES);
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gz") || lower.endsWith(".tgz")) {
            try {
                return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER_BYTES), BUFFER_BYTES);
            } catch (IOException e) {
                buffered.close();
                throw new TarReader.TarFormatException("not a gzip stream: " + e.getMessage());
            }
        }
        return buffered;
    }
}
