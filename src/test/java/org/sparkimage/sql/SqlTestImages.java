package org.sparkimage.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.sparkimage.testing.ReferenceData;

/** The SQL tests' folder: every shipped reference photo, a text file named .jpg and a truncated JPEG. */
final class SqlTestImages {
    private SqlTestImages() {}

    /** Fills {@code dir} (created) and returns the number of files in it. */
    static int create(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            for (Path p : s.toList()) Files.copy(p, dir.resolve(p.getFileName()));
        }
        Files.writeString(dir.resolve("notes.jpg"), "not an image at all");
        Files.write(dir.resolve("truncated.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        }
    }
}
