package org.sparkimage.core;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.sparkimage.util.Sha256;

/**
 * The calibration files of one int8 build, read in order, each file's sha256 noted as it passes:
 * {@link #digest(int)} over the first files keys the {@link Int8Cache} before anything is decoded,
 * and {@link #images()} then feeds calibration on a miss. Reading the bytes twice would double a
 * remote source's transfer, so the first pass keeps them up to {@code keepBytes} and calibration
 * reuses them; past that (camera-sized photographs) calibration reads the files again.
 */
final class CalibrationSample {
    private final Iterable<byte[]> source;
    private final Iterator<byte[]> firstPass;
    private final long keepBytes;
    private final List<byte[]> fileHashes = new ArrayList<>();
    /** The files of the first pass, in order; null once they outgrew {@code keepBytes}. */
    private List<byte[]> kept = new ArrayList<>();
    private long keptBytes;

    /**
     * @param source    the files, in a fixed order; each {@code iterator()} reads them from the start
     * @param keepBytes bytes of the first pass kept for calibration
     */
    CalibrationSample(Iterable<byte[]> source, long keepBytes) {
        this.source = source;
        this.firstPass = source.iterator();
        this.keepBytes = keepBytes;
    }

    /**
     * sha256 over the sha256 of each of the first {@code n} files (all of them when there are fewer),
     * reading them as needed: the construction of the int8 model's {@code images_sha256}, which it
     * equals when every file decoded.
     *
     * @throws java.io.UncheckedIOException when a file cannot be read
     */
    String digest(int n) {
        while (fileHashes.size() < n && firstPass.hasNext()) {
            byte[] file = firstPass.next();
            noteHash(fileHashes.size(), file);
            keep(file);
        }
        MessageDigest d = Sha256.digest();
        for (int i = 0; i < Math.min(n, fileHashes.size()); i++) d.update(fileHashes.get(i));
        return HexFormat.of().formatHex(d.digest());
    }

    /** The files from the first, for calibration; the ones it reads past the first pass are hashed too. */
    Iterator<byte[]> images() {
        Iterator<byte[]> files = kept != null ? concat(kept.iterator(), firstPass) : source.iterator();
        kept = null; // calibration holds them now
        return new Iterator<>() {
            private int index;

            @Override
            public boolean hasNext() {
                return files.hasNext();
            }

            @Override
            public byte[] next() {
                if (!files.hasNext()) throw new NoSuchElementException();
                byte[] file = files.next();
                noteHash(index++, file);
                return file;
            }
        };
    }

    private void noteHash(int index, byte[] file) {
        if (index == fileHashes.size()) fileHashes.add(Sha256.digest().digest(file));
    }

    private void keep(byte[] file) {
        if (kept == null) return;
        keptBytes += file.length;
        if (keptBytes <= keepBytes) {
            kept.add(file);
        } else {
            kept = null; // calibration reads them again
        }
    }

    private static <T> Iterator<T> concat(Iterator<T> a, Iterator<T> b) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return a.hasNext() || b.hasNext();
            }

            @Override
            public T next() {
                return a.hasNext() ? a.next() : b.next();
            }
        };
    }
}
