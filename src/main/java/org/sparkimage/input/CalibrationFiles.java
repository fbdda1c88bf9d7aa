package org.sparkimage.input;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkimage.core.Int8Models;

/**
 * The calibration images of an int8 run: the files of a folder, glob or Hadoop URI, listed like the
 * job's input ({@link FileLister}: a walk on local disk, one flat listing on object stores), in
 * path order so that the same folder always calibrates the same model, read one at a time as the
 * quantizer consumes them (it stops once it has enough); each {@code iterator()} reads them again.
 */
public final class CalibrationFiles {
    private CalibrationFiles() {}

    /**
     * The files under {@code source} no larger than {@code maxBytes}.
     *
     * @throws IOException when {@code source} cannot be listed or holds no file
     */
    public static Iterable<byte[]> of(String source, Configuration hadoop, long maxBytes) throws IOException {
        List<Path> paths = FileLister.list(source, hadoop).stream()
                .filter(f -> f.length() <= maxBytes)
                .sorted(Comparator.comparing(ListedFile::path))
                .map(f -> FileFetcher.toHadoopPath(f.path()))
                .toList();
        if (paths.isEmpty()) throw new IOException("calibration source " + source + " does not exist or holds no file");
        return Int8Models.read(new Path(source).getFileSystem(hadoop), paths);
    }
}
