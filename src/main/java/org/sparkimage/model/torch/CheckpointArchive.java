package org.sparkimage.model.torch;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip that {@code torch.save} writes: every record under one top folder ({@code
 * <name>/data.pkl}, {@code <name>/byteorder}, {@code <name>/data/<key>} per storage, ...), each
 * stored uncompressed. Recognises what is not such a file (not a zip, the legacy pre-1.6 pickle
 * format, a TorchScript archive) and says so, and reads storage bytes lazily, checked against the
 * records' real sizes.
 */
final class CheckpointArchive implements Closeable {
    private static final String DATA_PKL = "data.pkl";

    private final ZipFile zip;
    private final String prefix;
    private final long fileLength;
    private final ByteOrder byteOrder;

    private CheckpointArchive(ZipFile zip, String prefix, long fileLength) throws IOException {
        this.zip = zip;
        this.prefix = prefix;
        this.fileLength = fileLength;
        this.byteOrder = readByteOrder();
    }

    /** Opens {@code file}; CheckpointException when it is not a torch.save zip. */
    static CheckpointArchive open(Path file) throws IOException {
        long length = Files.size(file);
        FileKind.check(file, length);
        ZipFile zip = openZip(file);
        try {
            return new CheckpointArchive(zip, ArchiveLayout.prefix(zip), length);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static ZipFile openZip(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException | IllegalArgumentException e) {
            throw damaged(e);
        }
    }

    /** The bytes of data.pkl, at most {@link Limits#MAX_PICKLE_BYTES}. */
    byte[] dataPkl() throws IOException {
        return readSmall(entry(prefix + DATA_PKL), Limits.MAX_PICKLE_BYTES);
    }

    /**
     * The byte order of the storages: the byteorder record, little-endian when it is absent (older
     * torch versions did not write it, and in practice ran on little-endian machines).
     */
    ByteOrder byteOrder() {
        return byteOrder;
    }

    private ByteOrder readByteOrder() throws IOException {
        ZipEntry entry = entry(prefix + "byteorder");
        if (entry == null) return ByteOrder.LITTLE_ENDIAN;
        String order = new String(readSmall(entry, Limits.MAX_SMALL_RECORD), StandardCharsets.UTF_8).strip();
        if (order.equals("little")) return ByteOrder.LITTLE_ENDIAN;
        if (order.equals("big")) return ByteOrder.BIG_ENDIAN;
        throw new CheckpointException("checkpoint declares byte order " + PyText.quote(order) + "; torch writes 'little' or 'big'");
    }

    /** Size in bytes of the record of storage {@code key}; CheckpointException when it is missing or compressed. */
    long storageBytes(String key) {
        ZipEntry entry = storageEntry(key);
        return entry.getSize();
    }

    /**
     * A stream over the record of storage {@code key}, from byte {@code start}. The caller has
     * checked its range against {@link #storageBytes}; a record shorter than its zip header says
     * ends the stream early, which the caller reports with {@link #truncated}.
     */
    InputStream openStorage(String key, long start) throws IOException {
        InputStream in = zip.getInputStream(storageEntry(key));
        try {
            in.skipNBytes(start);
            return in;
        } catch (IOException e) {
            in.close();
            throw truncated(key, e);
        }
    }

    /** The refusal for a storage record that ends before the bytes its header promises. */
    CheckpointException truncated(String key, IOException cause) {
        return new CheckpointException("storage record " + PyText.quote(prefix + "data/" + key)
                + " is truncated or damaged", cause);
    }

    private ZipEntry storageEntry(String key) {
        String name = prefix + "data/" + key;
        ZipEntry entry = entry(name);
        if (entry == null) throw new CheckpointException("storage record " + PyText.quote(name) + " is missing");
        if (entry.getMethod() != ZipEntry.STORED) {
            // torch writes storages uncompressed; refusing others keeps every read bounded by the file's real bytes.
            throw new CheckpointException("storage record " + PyText.quote(name) + " is compressed; torch.save stores"
                    + " them uncompressed, so the file was re-packed: save it again with torch.save");
        }
        if (entry.getSize() < 0 || entry.getSize() != entry.getCompressedSize() || entry.getSize() > fileLength) {
            throw new CheckpointException("storage record " + PyText.quote(name) + " declares " + entry.getSize()
                    + " bytes in a file of " + fileLength + ": the zip is damaged");
        }
        return entry;
    }

    /**
     * The record {@code name}, or null. The JDK's ZipFile decodes names as it meets them and
     * throws IllegalArgumentException for bytes that are not UTF-8: that is a damaged zip too.
     */
    private ZipEntry entry(String name) {
        try {
            return zip.getEntry(name);
        } catch (IllegalArgumentException e) {
            throw damaged(e);
        }
    }

    /** The refusal for a zip whose structure the JDK rejects, on opening or while listing it. */
    private static CheckpointException damaged(Exception e) {
        return new CheckpointException("not a readable PyTorch checkpoint: the zip archive is damaged or truncated ("
                + e.getMessage() + ")", e);
    }

    /** A small record, read whole, refusing it above {@code max} bytes whatever its header says. */
    private byte[] readSmall(ZipEntry entry, int max) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) {
                throw new CheckpointException("record " + PyText.quote(entry.getName()) + " is larger than "
                        + max + " bytes");
            }
            if (entry.getSize() >= 0 && data.length != entry.getSize()) throw new EOFException();
            return data;
        } catch (EOFException | ZipException e) {
            throw new CheckpointException("record " + PyText.quote(entry.getName()) + " is truncated or damaged", e);
        }
    }

    /** Closes the zip; tensors of this archive cannot be read afterwards. */
    @Override
    public void close() throws IOException {
        zip.close();
    }

    /** What the first bytes of the file say, before the zip reader sees it. */
    private static final class FileKind {
        private FileKind() {
        }

        static void check(Path file, long length) throws IOException {
            byte[] head;
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes(4);
            }
            if (head.length == 0) throw new CheckpointException("not a PyTorch checkpoint: the file is empty");
            if ((head[0] & 0xff) == 0x80) {
                // The legacy format is a bare pickle stream: PROTO, then torch's magic number.
                throw new CheckpointException("legacy torch.save format (PyTorch before 1.6, or"
                        + " _use_new_zipfile_serialization=False) is not supported: load it in a current PyTorch and"
                        + " save it again with torch.save(model.state_dict(), path)");
            }
            if (head.length < 4 || head[0] != 'P' || head[1] != 'K') {
                throw new CheckpointException("not a PyTorch checkpoint: a torch.save file is a zip archive, this one"
                        + " is not (" + length + " bytes)");
            }
        }
    }

    /** The top folder every record sits in, after refusing TorchScript and foreign zips. */
    private static final class ArchiveLayout {
        private ArchiveLayout() {
        }

        static String prefix(ZipFile zip) {
            try {
                return scan(zip);
            } catch (CheckpointException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                // Entry names are decoded while iterating; bytes that are not UTF-8 end up here.
                throw damaged(e);
            }
        }

        private static String scan(ZipFile zip) {
            String prefix = null;
            boolean torchScript = false;
            boolean hasPickle = false;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                int slash = name.indexOf('/');
                if (slash <= 0) {
                    throw new CheckpointException("not a torch.save checkpoint: zip record " + PyText.quote(name)
                            + " is not inside the archive's top folder");
                }
                String top = name.substring(0, slash + 1);
                if (prefix == null) prefix = top;
                else if (!prefix.equals(top)) {
                    throw new CheckpointException("not a torch.save checkpoint: the zip has more than one top folder ("
                            + PyText.quote(prefix) + ", " + PyText.quote(top) + ")");
                }
                String rest = name.substring(slash + 1);
                torchScript |= rest.equals("constants.pkl") || rest.startsWith("code/");
                hasPickle |= rest.equals(DATA_PKL);
            }
            if (torchScript) {
                throw new CheckpointException("TorchScript archive (torch.jit.save): it holds a compiled model, not a"
                        + " state_dict; load it in PyTorch and save model.state_dict() with torch.save");
            }
            if (!hasPickle) throw new CheckpointException("not a torch.save checkpoint: the zip has no data.pkl");
            return prefix;
        }
    }
}
