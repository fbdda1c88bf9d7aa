package org.sparkimage.review;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.io.TarMemberPath;
import org.sparkimage.io.TarReader;
import org.sparkimage.io.TarShards;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ScaleHint;

/**
 * Makes the JPEG thumbnails of the gallery, numbered files in one folder: each image is read
 * through its Hadoop FileSystem, decoded by the project's {@link GuardedImageDecoder} (EXIF
 * orientation, bomb and time guards), scaled to fit a square box and written by javax.imageio.
 * {@code <shard>.tar/<member>} paths are read by {@link #prepare}: each shard is streamed once for
 * all its wanted members (reading it again per member made a gallery of a shard quadratic); a
 * member path {@link #make} was not prepared for streams its shard alone. Anything that
 * goes wrong (no such file, a table row id, not an image, too big)
 * gives a {@link Thumb} without a file and the reason; it never throws.
 */
final class Thumbnails {
    /** A thumbnail: {@code file} relative to the page (null when there is none, then {@code failure} says why). */
    record Thumb(String file, int width, int height, String failure) {
        boolean present() {
            return file != null;
        }

        static Thumb none(String why) {
            return new Thumb(null, 0, 0, why);
        }
    }

    private static final float JPEG_QUALITY = 0.85f;
    private final Configuration conf;
    private final java.nio.file.Path dir;
    private final String prefix;
    private final int size;
    private final long maxBytes;
    private final GuardedImageDecoder decoder = new GuardedImageDecoder();
    private final Map<String, Thumb> prepared = new HashMap<>();
    private int made;
    private int failed;
    private int shardPasses;

    /**
     * @param dir    folder the JPEGs are written to (created)
     * @param prefix how the page refers to that folder, e.g. {@code "thumbs/"}
     */
    Thumbnails(Configuration conf, java.nio.file.Path dir, String prefix, int size, long maxBytes) {
        this.conf = conf;
        this.dir = dir;
        this.prefix = prefix;
        this.size = size;
        this.maxBytes = maxBytes;
    }

    int made() {
        return made;
    }

    int failed() {
        return failed;
    }

    /** Passes over tar shards so far (one per shard that {@link #prepare} read, one per unprepared member). */
    int shardPasses() {
        return shardPasses;
    }

    /**
     * Makes the thumbnails of all tar-member paths among {@code paths} ahead of {@link #make},
     * reading each shard once, in one pass, for all its wanted members. Other paths are left to
     * {@link #make}.
     */
    void prepare(Iterable<String> paths) {
        Map<String, Map<String, String>> byShard = new LinkedHashMap<>(); // shard -> member -> path
        for (String path : paths) {
            if (prepared.containsKey(path)) continue;
            TarMemberPath member = TarMemberPath.parse(path);
            if (member == null) continue;
            try {
                Path p = new Path(path);
                if (p.getFileSystem(conf).exists(p)) continue; // a real file whose name only looks like a member
            } catch (Exception e) {
                continue; // make() says what is wrong
            }
            byShard.computeIfAbsent(member.shard(), k -> new LinkedHashMap<>()).putIfAbsent(member.member(), path);
        }
        for (Map.Entry<String, Map<String, String>> shard : byShard.entrySet()) {
            Map<String, String> wanted = new HashMap<>(shard.getValue());
            try {
                shardPasses++;
                Path shardPath = new Path(shard.getKey());
                FileSystem fs = shardPath.getFileSystem(conf);
                try (TarReader tar = new TarReader(TarShards.tarStream(shard.getKey(), fs.open(shardPath)), maxBytes)) {
                    for (TarReader.Member m = tar.next(); m != null && !wanted.isEmpty(); m = tar.next()) {
                        String path = wanted.remove(m.name());
                        if (path == null) continue;
                        prepared.put(path, m.data() == null ? fail(m.message()) : thumb(m.data()));
                    }
                }
                for (Map.Entry<String, String> missing : wanted.entrySet()) {
                    prepared.put(missing.getValue(), fail("IOException: no member " + missing.getKey() + " in " + shard.getKey()));
                }
            } catch (Exception e) { // the shard is unreadable or broken: members not reached yet say so
                for (String path : wanted.values()) prepared.put(path, fail(e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
    }

    private Thumb fail(String why) {
        failed++;
        return Thumb.none(why);
    }

    /** The thumbnail of the image at {@code path} (a Hadoop path string as in the table, not percent-encoded). */
    Thumb make(String path) {
        Thumb ready = prepared.get(path);
        if (ready != null) return ready;
        try {
            return thumb(read(path));
        } catch (Exception e) { // IOException, bad path syntax
            failed++;
            return Thumb.none(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Decodes, scales and writes one thumbnail; a failure is a Thumb without a file. */
    private Thumb thumb(byte[] data) {
        try {
            BufferedImage img = scale(decoder.decode(data, new ScaleHint(size, size)).pixels().toBufferedImage());
            String name = String.format(Locale.ROOT, "%06d.jpg", made + failed + 1);
            Files.createDirectories(dir);
            writeJpeg(img, dir.resolve(name));
            made++;
            return new Thumb(prefix + name, img.getWidth(), img.getHeight(), null);
        } catch (ImageDecodeException e) {
            failed++;
            return Thumb.none(e.code() + ": " + e.getMessage());
        } catch (Exception e) { // IOException, bad path syntax, anything a reader may throw
            failed++;
            return Thumb.none(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private byte[] read(String path) throws IOException {
        Path p = new Path(path); // Path(String), not Path(URI): the table's paths are not percent-encoded
        if (p.toUri().getScheme() == null && !p.isUriPathAbsolute()) {
            throw new IOException("not a file path (a row id?)");
        }
        FileSystem fs = p.getFileSystem(conf);
        TarMemberPath member = TarMemberPath.parse(path); // only such paths pay for the extra lookup
        if (member != null && !fs.exists(p)) return readMember(fs, member);
        FileStatus status = fs.getFileStatus(p);
        if (!status.isFile()) throw new IOException("not a file");
        if (status.getLen() > maxBytes) throw new IOException("file has " + status.getLen() + " bytes, over " + maxBytes);
        try (InputStream in = fs.open(p)) {
            byte[] data = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 16L));
            if (data.length > maxBytes) throw new IOException("file grew over " + maxBytes + " bytes");
            return data;
        }
    }

    /** A tar shard's member, found by streaming the shard up to it. */
    private byte[] readMember(FileSystem fs, TarMemberPath member) throws IOException {
        shardPasses++;
        try (TarReader tar = new TarReader(TarShards.tarStream(member.shard(), fs.open(new Path(member.shard()))), maxBytes)) {
            for (TarReader.Member m = tar.next(); m != null; m = tar.next()) {
                if (!m.name().equals(member.member())) continue;
                if (m.data() == null) throw new IOException(m.message());
                return m.data();
            }
        }
        throw new IOException("no member " + member.member() + " in " + member.shard());
    }

    /** Fits the image into size x size (never enlarged): bilinear halvings, then one bilinear step. */
    BufferedImage scale(BufferedImage img) {
        double s = Math.min(1.0, Math.min((double) size / img.getWidth(), (double) size / img.getHeight()));
        int tw = Math.max(1, (int) Math.round(img.getWidth() * s));
        int th = Math.max(1, (int) Math.round(img.getHeight() * s));
        while (img.getWidth() / 2 >= tw && img.getHeight() / 2 >= th) {
            img = resize(img, img.getWidth() / 2, img.getHeight() / 2);
        }
        return img.getWidth() == tw && img.getHeight() == th ? img : resize(img, tw, th);
    }

    private static BufferedImage resize(BufferedImage img, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void writeJpeg(BufferedImage img, java.nio.file.Path file) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) throw new IOException("no JPEG writer in javax.imageio");
        ImageWriter writer = writers.next();
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
