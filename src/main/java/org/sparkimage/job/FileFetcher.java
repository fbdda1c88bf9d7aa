package org.sparkimage.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkimage.image.ErrorCode;
import org.sparkimage.image.ImageDecodeException;

/**
 * Reads one listed file through its Hadoop FileSystem, inside the task, so that a file that
 * vanished or cannot be read, or one over the byte limit, becomes an error row rather than a failed
 * task (Spark's binaryFile reader would fail the whole task).
 */
final class FileFetcher {
    private final Configuration conf;
    private final long maxBytes;

    FileFetcher(Map<String, String> hadoopConf, long maxBytes) {
        this.conf = new Configuration(false);
        hadoopConf.forEach(conf::set);
        this.maxBytes = maxBytes;
    }

    byte[] read(String path, long listedSize) throws ImageDecodeException {
        if (listedSize > maxBytes) {
            throw new ImageDecodeException(ErrorCode.TOO_LARGE,
                    "file has " + listedSize + " bytes, more than the limit of " + maxBytes);
        }
        Path p = toHadoopPath(path);
        try {
            FileSystem fs = p.getFileSystem(conf);
            try (InputStream in = fs.open(p)) {
                // The listed size may be stale: read up to one byte past the limit to notice growth.
                byte[] data = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 16));
                if (data.length > maxBytes) {
                    throw new ImageDecodeException(ErrorCode.TOO_LARGE, "file grew past the limit of " + maxBytes + " bytes");
                }
                return data;
            }
        } catch (FileNotFoundException e) {
            throw new ImageDecodeException(ErrorCode.READ_ERROR, "file no longer exists: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ImageDecodeException(ErrorCode.READ_ERROR, "cannot read file: " + e, e);
        }
    }

    /** binaryFile lists paths as URI strings (percent-encoded); plain paths are accepted too. */
    static Path toHadoopPath(String path) {
        try {
            URI uri = new URI(path);
            if (uri.getScheme() != null) return new Path(uri);
        } catch (URISyntaxException ignored) {
            // not URI syntax: a plain local path with spaces etc.
        }
        return new Path(path);
    }
}
