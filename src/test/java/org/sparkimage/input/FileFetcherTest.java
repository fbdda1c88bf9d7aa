package org.sparkimage.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.core.ErrorCode;
import org.sparkimage.core.RowFailure;

/** Reading a listed file in the task: what changed since the listing becomes a row, never a failure. */
class FileFetcherTest {
    @TempDir
    Path tmp;

    private final FileFetcher fetcher = new FileFetcher(Map.of(), 100);

    private static String listed(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri()).toString(); // as the listing writes paths
    }

    @Test
    void readsLocalFilesWhateverTheirNames() throws Exception {
        Path f = Files.write(tmp.resolve("photo café 1 #2.jpg"), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, fetcher.read(listed(f), 3));
    }

    /** The listing writes Path.toString(), which does not percent-encode: a '%' in a name is a '%'. */
    @Test
    void percentSignsInNamesAreNotDecoded() throws Exception {
        Path f = Files.write(tmp.resolve("a%20b.jpg"), new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, fetcher.read(listed(f), 2));
    }

    @Test
    void filesThatChangedSinceTheListingAreReadAsTheyAreNow() throws Exception {
        Path shrunk = Files.write(tmp.resolve("shrunk"), new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, fetcher.read(listed(shrunk), 50));
        Path grown = Files.write(tmp.resolve("grown"), new byte[60]);
        assertEquals(60, fetcher.read(listed(grown), 10).length);
    }

    @Test
    void limitsAndVanishedFilesAreErrorCodes() throws Exception {
        Path big = Files.write(tmp.resolve("big"), new byte[101]);
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(RowFailure.class, () -> fetcher.read(listed(big), 101)).code());
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(RowFailure.class, () -> fetcher.read(listed(big), 20)).code(),
                "grew past the limit after the listing");
        Path gone = tmp.resolve("gone.jpg");
        assertEquals(ErrorCode.READ_ERROR, assertThrows(RowFailure.class, () -> fetcher.read(listed(gone), 5)).code());
        Path dir = Files.createDirectory(tmp.resolve("now a directory"));
        assertEquals(ErrorCode.READ_ERROR, assertThrows(RowFailure.class, () -> fetcher.read(listed(dir), 5)).code());
    }

    /** A file no listing saw (a table cell's path, a manifest without sizes): the messages say what is known. */
    @Test
    void filesOfUnknownSizeAreHeldToTheSameLimit() throws Exception {
        Path big = Files.write(tmp.resolve("big"), new byte[101]);
        RowFailure tooLarge = assertThrows(RowFailure.class, () -> fetcher.read(listed(big), -1));
        assertEquals(ErrorCode.TOO_LARGE, tooLarge.code());
        assertEquals("file has more bytes than the limit of 100", tooLarge.getMessage());
        RowFailure missing = assertThrows(RowFailure.class, () -> fetcher.read(listed(tmp.resolve("never.jpg")), -1));
        assertEquals(ErrorCode.READ_ERROR, missing.code());
        assertTrue(missing.getMessage().startsWith("file does not exist: ") && missing.getMessage().endsWith("never.jpg"), missing.getMessage());
        assertEquals(100, fetcher.read(listed(Files.write(tmp.resolve("at limit"), new byte[100])), -1).length);
    }
}
