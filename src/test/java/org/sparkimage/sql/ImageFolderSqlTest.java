package org.sparkimage.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.ReferenceData;

/**
 * The SQL function tests' fixture: a session with the extension ({@link ImageFunctionSession}) and
 * a folder of every shipped reference photo, a text file named .jpg and a truncated JPEG.
 */
abstract class ImageFolderSqlTest {
    @TempDir
    static Path tmp;
    /** The folder. */
    static Path images;
    /** Files in it. */
    static int files;
    static SparkSession spark;

    @BeforeAll
    static void start() throws IOException {
        images = Files.createDirectories(tmp.resolve("images"));
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            for (Path p : s.toList()) Files.copy(p, images.resolve(p.getFileName()));
        }
        Files.writeString(images.resolve("notes.jpg"), "not an image at all");
        Files.write(images.resolve("truncated.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
        try (Stream<Path> s = Files.list(images)) {
            files = (int) s.count();
        }
        spark = ImageFunctionSession.start();
    }

    @AfterAll
    static void restore() {
        ImageFunctionSession.restore();
    }

    /** The folder as a {@code binaryFile} table. */
    static String table() {
        return "binaryFile.`" + images + "`";
    }
}
