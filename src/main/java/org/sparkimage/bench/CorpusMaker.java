package org.sparkimage.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes benchmark corpora reproducibly from real photographs, so that nobody tunes for them and no
 * large binaries are committed: every source is cropped to the target aspect, resized, and written
 * as a baseline JPEG at a fixed quality, cycling through the sources (and mirrored copies on the
 * second pass) until the count is reached. Same sources, same kind, same count: same files.
 */
public final class CorpusMaker {
    /** What a corpus looks like. */
    public enum Kind {
        /** ImageNet-sized: 500x375 (4:3), quality 90. */
        IMAGENET(500, 375, 0.90f),
        /** Camera-sized: 4032x3024 = 12.2 MP (a phone's 4:3 sensor), quality 90. */
        CAMERA(4032, 3024, 0.90f),
        /** Tiny: 64x64, quality 90; per-file cost dominates (the scale curve). */
        TINY(64, 64, 0.90f);

        final int width;
        final int height;
        final float quality;

        Kind(int width, int height, float quality) {
            this.width = width;
            this.height = height;
            this.quality = quality;
        }
    }

    private CorpusMaker() {
    }

    /**
     * Writes {@code count} JPEGs into {@code out} (created) unless it already holds exactly that
     * many, and returns {@code out}.
     */
    public static Path make(Path sources, Kind kind, int count, Path out) throws IOException {
        return make(sources, kind, count, count, out);
    }

    /**
     * As {@link #make(Path, Kind, int, Path)}, with only {@code unique} distinct images; the others
     * are hard links to them (distinct files to the job, no disk space). Camera-sized JPEGs take
     * ~1 s each to make, and a benchmark job needs enough files that its fixed cost (listing,
     * commit, summary: ~1 s) does not dominate.
     */
    public static Path make(Path sources, Kind kind, int count, int unique, Path out) throws IOException {
        return make(sources, kind, count, unique, out, Math.min(kind.width, kind.height) / 2);
    }

    /**
     * As {@link #make(Path, Kind, int, int, Path)}, from sources whose shorter side is at least
     * {@code minSide} (smaller ones are upscaled: for corpora whose speed matters, not their detail).
     */
    public static Path make(Path sources, Kind kind, int count, int unique, Path out, int minSide) throws IOException {
        Files.createDirectories(out);
        try (Stream<Path> existing = Files.list(out)) {
            if (existing.filter(p -> p.toString().endsWith(".jpg")).count() == count) return out;
        }
        List<BufferedImage> photos = null; // loaded only if some distinct image is missing
        int distinct = Math.max(1, Math.min(unique, count));
        for (int i = 0; i < count; i++) {
            Path file = out.resolve(String.format("%s-%05d.jpg", kind.name().toLowerCase(), i));
            if (i >= distinct) {
                Path original = out.resolve(String.format("%s-%05d.jpg", kind.name().toLowerCase(), i % distinct));
                Files.deleteIfExists(file);
                try {
                    Files.createLink(file, original);
                } catch (UnsupportedOperationException | IOException e) {
                    Files.copy(original, file); // no hard links on this file system
                }
                continue;
            }
            if (Files.isRegularFile(file)) continue; // made by an earlier, interrupted call
            if (photos == null) {
                photos = loadPhotos(sources, minSide);
                if (photos.isEmpty()) throw new IOException("no decodable photos in " + sources);
            }
            BufferedImage src = photos.get(i % photos.size());
            boolean mirror = (i / photos.size()) % 2 == 1;
            BufferedImage img = resize(cropToAspect(src, kind.width, kind.height), kind.width, kind.height, mirror);
            writeJpeg(img, kind.quality, file);
        }
        return out;
    }

    /** The opaque photographs of a folder whose shorter side is at least {@code minSide}, in name order. */
    private static List<BufferedImage> loadPhotos(Path dir, int minSide) throws IOException {
        List<BufferedImage> photos = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            BufferedImage img;
            try {
                img = ImageIO.read(f.toFile());
            } catch (IOException | RuntimeException e) {
                continue; // not a photo this tool can read: skip it
            }
            if (img == null || img.getColorModel().hasAlpha() || Math.min(img.getWidth(), img.getHeight()) < minSide) continue;
            BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = rgb.createGraphics();
            g.drawImage(img, 0, 0, null);
            g.dispose();
            photos.add(rgb);
        }
        return photos;
    }

    private static BufferedImage cropToAspect(BufferedImage src, int w, int h) {
        double target = (double) w / h;
        int cw = src.getWidth();
        int ch = src.getHeight();
        if ((double) cw / ch > target) cw = (int) Math.round(ch * target);
        else ch = (int) Math.round(cw / target);
        return src.getSubimage((src.getWidth() - cw) / 2, (src.getHeight() - ch) / 2, cw, ch);
    }

    /** Bicubic resize (halving steps first when shrinking a lot, so that it does not alias). */
    private static BufferedImage resize(BufferedImage src, int w, int h, boolean mirror) {
        BufferedImage cur = src;
        while (cur.getWidth() / 2 >= w && cur.getHeight() / 2 >= h) cur = draw(cur, cur.getWidth() / 2, cur.getHeight() / 2, false);
        return draw(cur, w, h, mirror);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h, boolean mirror) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        if (mirror) g.drawImage(src, w, 0, -w, h, null);
        else g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Writes {@code img} as a baseline JPEG of the given quality (javax.imageio). */
    public static void writeJpeg(BufferedImage img, float quality, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
    }

}
