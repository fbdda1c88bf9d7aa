package org.sparkimage.model.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a checkpoint zip laid out as torch.save does ({@code archive/data.pkl},
 * {@code archive/byteorder}, {@code archive/data/<key>}, records stored uncompressed), from a
 * hand-made pickle and storages, for the hostile cases and the fuzz tests.
 */
final class CheckpointZip {
    private final Map<String, byte[]> records = new LinkedHashMap<>();
    private final Map<String, Integer> methods = new LinkedHashMap<>();

    /** A checkpoint with {@code pickle} as data.pkl and a little-endian byteorder record. */
    static CheckpointZip of(byte[] pickle) {
        return new CheckpointZip().record("archive/data.pkl", pickle).record("archive/byteorder", ascii("little"));
    }

    /** Adds (or replaces) a record. */
    CheckpointZip record(String name, byte[] data) {
        records.put(name, data);
        return this;
    }

    /** Adds storage {@code key} holding {@code values} as little-endian float32. */
    CheckpointZip floats(String key, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return record("archive/data/" + key, b.array());
    }

    /** Stores record {@code name} deflated instead (torch never does). */
    CheckpointZip deflate(String name) {
        methods.put(name, ZipEntry.DEFLATED);
        return this;
    }

    /** The zip's bytes. */
    byte[] bytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                ZipEntry entry = new ZipEntry(r.getKey());
                int method = methods.getOrDefault(r.getKey(), ZipEntry.STORED);
                entry.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(r.getValue());
                    entry.setSize(r.getValue().length);
                    entry.setCompressedSize(r.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(r.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
