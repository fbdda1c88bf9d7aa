package org.sparkimage.input;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FutureDataInputStreamBuilder;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;
import org.sparkimage.core.ErrorCode;
import org.sparkimage.core.RowFailure;

/**
 * Reads one listed file inside the task (local files directly, others through their Hadoop
 * FileSystem), so that a file that vanished or cannot be read, or one over the byte limit, becomes
 * an error row ({@link RowFailure}) rather than a failed task.
 */
final class FileFetcher {
    /** Read policy of a file read whole into memory (an image). */
    private static final String WHOLE_FILE = Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_WHOLE_FILE;
    /** Read policy of a file streamed front to back (a tar shard). */
    private static final String SEQUENTIAL = Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_SEQUENTIAL;

    private final Configuration conf;
    private final long maxBytes;

    FileFetcher(Map<String, String> hadoopConf, long maxBytes) {
        this.conf = new Configuration(false);
        hadoopConf.forEach(conf::set);
        this.maxBytes = maxBytes;
    }

    /**
     * A file's bytes. {@code listedSize} is -1 when no listing saw the file (a manifest without
     * sizes, a table cell's path): a missing file then "does not exist" rather than "no longer
     * exists", and one over the limit is told so without a size, since it is not read to the end.
     */
    byte[] read(String path, long listedSize) throws RowFailure {
        if (listedSize > maxBytes) {
            throw new RowFailure(ErrorCode.TOO_LARGE,
                    "file has " + listedSize + " bytes, more than the limit of " + maxBytes);
        }
        try (InputStream in = open(path, listedSize, WHOLE_FILE)) {
            return readUpToLimit(in, listedSize);
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new RowFailure(ErrorCode.READ_ERROR, (listedSize < 0 ? "file does not exist: " : "file no longer exists: ") + e.getMessage());
        } catch (IOException e) {
            throw new RowFailure(ErrorCode.READ_ERROR, "cannot read file: " + e);
        }
    }

    /** Opens a listed file of {@code listedSize} bytes for streaming (tar shards); the caller closes it. */
    InputStream open(String path, long listedSize) throws IOException {
        return open(path, listedSize, SEQUENTIAL);
    }

    /**
     * Opens a listed file. Local files are read directly: Hadoop's LocalFileSystem adds a
     * checksum-file lookup and stream layers per open, ~0.5 ms a file, which is 5 % of an
     * ImageNet-sized image's work. Other file systems get Hadoop's {@code openFile} builder with
     * what the listing already knows, the length, and a read policy: S3A then skips the HEAD it
     * would otherwise send before the GET (one request per file instead of two), and with
     * {@code whole-file} asks for the whole object in that one GET. Stores that do not know the
     * options ignore them ({@code opt}, not {@code must}).
     */
    private InputStream open(String path, long listedSize, String readPolicy) throws IOException {
        Path p = toHadoopPath(path);
        if (isLocal(p)) return Files.newInputStream(java.nio.file.Path.of(p.toUri().getPath()));
        FutureDataInputStreamBuilder open = p.getFileSystem(conf).openFile(p)
                .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY, readPolicy);
        if (listedSize >= 0) open.optLong(Options.OpenFileOptions.FS_OPTION_OPENFILE_LENGTH, listedSize);
        return FutureIO.awaitFuture(open.build());
    }

    /**
     * The file's bytes, read into an array of the listed size; the size may be stale, so a file
     * that grew is read on to the limit (one byte past it tells that it is over).
     */
    private byte[] readUpToLimit(InputStream in, long listedSize) throws IOException, RowFailure {
        int expected = (int) Math.max(0, Math.min(listedSize, maxBytes));
        byte[] data = new byte[expected];
        int n = in.readNBytes(data, 0, expected);
        if (n < expected) return Arrays.copyOf(data, n); // shrank since the listing
        byte[] more = in.readNBytes((int) Math.min(maxBytes + 1 - expected, Integer.MAX_VALUE - 16L - expected));
        if (more.length == 0) return data;
        if ((long) expected + more.length > maxBytes) {
            throw new RowFailure(ErrorCode.TOO_LARGE, listedSize < 0 ? "file has more bytes than the limit of " + maxBytes
                    : "file grew past the limit of " + maxBytes + " bytes");
        }
        byte[] all = Arrays.copyOf(data, expected + more.length);
        System.arraycopy(more, 0, all, expected, more.length);
        return all;
    }

    private static boolean isLocal(Path p) {
        String scheme = p.toUri().getScheme();
        return scheme == null || scheme.equals("file");
    }

    /**
     * The listing's path string back to a Hadoop path. {@link FileLister} writes
     * {@code Path.toString()}, which is not percent-encoded ({@code file:/a b/100%.jpg}), so it is
     * parsed as a Path, never as a URI (that would decode a literal {@code %20} in a name).
     */
    static Path toHadoopPath(String path) {
        return new Path(path);
    }
}
