package org.sparkimage.curate;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import org.sparkimage.bench.CorpusMaker;

/**
 * The near-duplicates the issue names, made with javax.imageio from a real image: resized to 2/3,
 * re-encoded as JPEG quality 60, cropped by 6 % on each side, brightened by 15 % (each channel times
 * 1.15, clipped). Transparent pixels are flattened onto white first, as a JPEG has no alpha.
 */
final class PlantedCopies {
    /** The kinds of copy, in the order they are made. */
    static final String[] KINDS = {"resize", "jpeg60", "crop", "bright"};

    private PlantedCopies() {}

    /** Writes the four copies of {@code original} into {@code dir} as {@code <stem>__<kind>.jpg}; returns kind to file. */
    static Map<String, Path> make(Path original, Path dir) throws IOException {
        BufferedImage src = ImageIO.read(original.toFile());
        if (src == null) throw new IOException("javax.imageio cannot read " + original);
        BufferedImage rgb = flatten(src);
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        String stem = original.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Map<String, Path> out = new LinkedHashMap<>();
        out.put("resize", jpeg(scaled(rgb, w * 2 / 3, h * 2 / 3), dir.resolve(stem + "__resize.jpg"), 0.9f));
        out.put("jpeg60", jpeg(rgb, dir.resolve(stem + "__jpeg60.jpg"), 0.6f));
        int cx = Math.round(w * 0.06f);
        int cy = Math.round(h * 0.06f);
        out.put("crop", jpeg(rgb.getSubimage(cx, cy, w - 2 * cx, h - 2 * cy), dir.resolve(stem + "__crop.jpg"), 0.9f));
        out.put("bright", jpeg(brighter(rgb, 1.15f), dir.resolve(stem + "__bright.jpg"), 0.9f));
        return out;
    }

    private static BufferedImage flatten(BufferedImage src) {
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, src.getWidth(), src.getHeight());
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return rgb;
    }

    private static BufferedImage scaled(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static BufferedImage brighter(BufferedImage src, float factor) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int r = Math.min(255, Math.round(((p >> 16) & 0xff) * factor));
                int gr = Math.min(255, Math.round(((p >> 8) & 0xff) * factor));
                int b = Math.min(255, Math.round((p & 0xff) * factor));
                out.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return out;
    }

    private static Path jpeg(BufferedImage img, Path file, float quality) throws IOException {
        Files.deleteIfExists(file);
        CorpusMaker.writeJpeg(img, quality, file);
        return file;
    }
}
