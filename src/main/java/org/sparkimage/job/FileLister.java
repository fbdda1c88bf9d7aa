package org.sparkimage.job;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists the input files on the driver through the Hadoop FileSystem: a path, a directory (walked
 * recursively) or a glob, with the rule every Spark file source applies (names starting with
 * {@code .} or {@code _} are skipped, files and directories alike). Spark's {@code binaryFile}
 * scan would list the same files but runs a job to do it (~0.4 s for 2000 files here) and drops
 * 0-byte files, which must still get their EMPTY row.
 */
final class FileLister {
    private FileLister() {
    }

    static List<ListedFile> list(String input, Configuration hadoop) throws IOException {
        Path pattern = new Path(input);
        FileSystem fs = pattern.getFileSystem(hadoop);
        FileStatus[] roots = fs.globStatus(pattern);
        List<ListedFile> files = new ArrayList<>();
        if (roots == null) return files;
        ArrayDeque<Path> dirs = new ArrayDeque<>();
        for (FileStatus root : roots) {
            if (root.isFile()) files.add(row(root));
            else dirs.add(root.getPath());
        }
        // listStatus, not listFiles: on the local file system LocatedFileStatus loads each file's
        // permissions by starting a process (~3 ms a file); the walk needs names, sizes and times.
        while (!dirs.isEmpty()) {
            for (FileStatus f : fs.listStatus(dirs.poll())) {
                String name = f.getPath().getName();
                if (name.startsWith(".") || name.startsWith("_")) continue;
                if (f.isDirectory()) dirs.add(f.getPath());
                else files.add(row(f));
            }
        }
        return files;
    }

    private static ListedFile row(FileStatus f) {
        return new ListedFile(f.getPath().toString(), f.getLen(), new Timestamp(f.getModificationTime()));
    }
}
