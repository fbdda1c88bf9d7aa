package org.sparkimage.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.model.DefaultModel;

/** Where {@link ModelBundle#resolve} reads a model named without a scheme. */
class ModelBundleTest {
    @TempDir
    Path tmp;

    /**
     * On YARN the default file system is HDFS, and a model shipped with --files lies in the driver
     * container's working folder: a relative path without a scheme is read from the local disk,
     * never from the default file system (here one that does not answer).
     */
    @Test
    void aRelativePathWithoutSchemeIsALocalFileWhateverTheDefaultFileSystem() throws Exception {
        byte[] model = DefaultModel.bytes();
        Path file = Files.write(tmp.resolve("shipped.onnx"), model);
        String relative = Path.of("").toAbsolutePath().relativize(file).toString();
        Configuration hadoop = new Configuration();
        hadoop.set("fs.defaultFS", "hdfs://127.0.0.1:1");
        assertArrayEquals(model, ModelBundle.resolve(relative, null, hadoop).bytes());
    }
}
