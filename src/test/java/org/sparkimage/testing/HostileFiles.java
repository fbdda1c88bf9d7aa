package org.sparkimage.testing;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes the hostile files of the shipped corpus that can be made from the shipped photographs
 * with the JDK alone, so that the repository carries the recipe instead of the bytes. Each file
 * has the name, category and expected outcome of its row in {@code src/test/data/bad-inputs/manifest.tsv}
 * (where its {@code bytes} and {@code sha256} read {@code -}: they are filled in when the file is
 * made). Sources: {@code photo café 1.jpg} (rocket) and {@code jpeg_baseline_cat.jpg} (cat) of the
 * shipped corpus, {@code samples/chelsea.png} and {@code samples/camera.png}; all scikit-image
 * sample photographs. Everything is deterministic (fixed seeds).
 */
public final class HostileFiles {
    private final Path shipped;
    private final Path samples;
    private BufferedImage cat;

    /**
     * @param shipped  the folder of shipped hostile files ({@code src/test/data/bad-inputs})
     * @param samples  the project's {@code samples/} folder
     */
    public HostileFiles(Path shipped, Path samples) {
        this.shipped = shipped;
        this.samples = samples;
    }

    /** The bytes of the named generated file; fails for a name it does not make. */
    public byte[] make(String name) throws IOException {
        switch (name) {
            case "empty.jpg":
                return new byte[0];
            case "random_bytes.jpg": {
                byte[] b = new byte[8192];
                new Random(8192).nextBytes(b);
                b[0] = 0x13; // no image signature starts like this (and certainly not FF D8)
                b[1] = 0x37;
                return b;
            }
            case "html_404_page.jpg":
                return ascii("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
                        + "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n");
            case "document_pdf.png":
                return ascii("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
                        + "2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
                        + "3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]>> endobj\n"
                        + "trailer <</Root 1 0 R>>\n%%EOF\n");
            case "vector_svg.png":
                return ascii("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"200\" viewBox=\"0 0 200 200\">\n"
                        + "  <circle cx=\"100\" cy=\"100\" r=\"80\" fill=\"orange\" stroke=\"black\" stroke-width=\"4\"/>\n</svg>\n");
            case "jpeg_trunc_10pct.jpg":
                return cut(shipped("photo café 1.jpg"), 0.1);
            case "jpeg_trunc_50pct.jpg":
                return cut(shipped("photo café 1.jpg"), 0.5);
            case "jpeg_trunc_90pct.jpg":
                return cut(shipped("photo café 1.jpg"), 0.9);
            case "jpeg_garbage_midstream.jpg": {
                byte[] rocket = shipped("photo café 1.jpg");
                byte[] garbage = new byte[2048];
                new Random(2048).nextBytes(garbage);
                int at = rocket.length / 2;
                if (at <= startOfScan(rocket)) throw new IllegalStateException("middle of the file is not in the scan");
                return splice(rocket, at, garbage);
            }
            case "png_bad_crc_idat.png": {
                byte[] png = Files.readAllBytes(samples.resolve("chelsea.png"));
                int idat = chunk(png, "IDAT");
                int length = ByteBuffer.wrap(png).getInt(idat);
                png[idat + 8 + length + 3] ^= 0x5A; // last CRC byte; the data stays intact
                return png;
            }
            case "png_trunc_50pct.png":
                return cut(Files.readAllBytes(samples.resolve("chelsea.png")), 0.5);
            case "png_grayscale.png":
                return Files.readAllBytes(samples.resolve("camera.png")); // 8-bit gray 512x512, as shipped by scikit-image
            case "bomb_png_50000x50000.png":
                return pngBomb(50_000, 50_000);
            case "bomb_jpeg_65500x65500.jpg": {
                byte[] jpeg = jpeg(gradient(64, 64), 0.9f);
                int sof = marker(jpeg, 0xC0);
                // SOF0 payload: length(2) precision(1) height(2) width(2)
                ByteBuffer.wrap(jpeg).putShort(sof + 5, (short) 65500).putShort(sof + 7, (short) 65500);
                return jpeg;
            }
            case "bomb_gif_screen_65535x65535.gif": {
                byte[] r = {(byte) 255, 0}, g = {(byte) 255, 0}, b = {(byte) 255, 0};
                BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
                byte[] gif = encode(one, "gif");
                if (gif[6] != 1 || gif[8] != 1) throw new IllegalStateException("unexpected GIF logical screen");
                Arrays.fill(gif, 6, 10, (byte) 0xFF); // logical screen width and height, little endian
                return gif;
            }
            case "jpeg_exif_orient3.jpg":
                return oriented(3);
            case "jpeg_exif_orient6.jpg":
                return oriented(6);
            case "jpeg_exif_orient8.jpg":
                return oriented(8);
            case "png_wide_10000x10.png": {
                BufferedImage wide = new BufferedImage(10_000, 10, BufferedImage.TYPE_3BYTE_BGR);
                for (int y = 0; y < 10; y++) {
                    for (int x = 0; x < 10_000; x++) {
                        int v = x * 255 / 9999;
                        wide.getRaster().setPixel(x, y, new int[] {v, 255 - v, y % 2 == 0 ? 0 : 255});
                    }
                }
                return encode(wide, "png");
            }
            case "jpeg_1x1.jpg": {
                BufferedImage px = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
                px.getRaster().setPixel(0, 0, new int[] {229, 120, 19});
                return jpeg(px, 0.95f);
            }
            case "large_8000x6000.jpg": {
                BufferedImage large = new BufferedImage(8000, 6000, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g2 = large.createGraphics();
                g2.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g2.drawImage(cat(), 0, 0, 8000, 6000, null);
                g2.dispose();
                return jpeg(large, 0.9f);
            }
            case "bmp_24bit.bmp":
                return encode(cat(), "bmp");
            case "tiff_rgb_lzw.tif":
                return write(cat(), "tiff", p -> {
                    p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    p.setCompressionType("LZW");
                });
            case "png_interlaced_adam7.png":
                return write(cat(), "png", p -> p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT));
            case "png_16bit_rgb.png":
                return encode(sixteenBit(cat()), "png");
            default:
                throw new IllegalArgumentException("no recipe for " + name + " (and it is not shipped)");
        }
    }

    /** The cat, upright, as javax.imageio decodes jpeg_baseline_cat.jpg (448x288). */
    private BufferedImage cat() throws IOException {
        if (cat == null) {
            BufferedImage read = ImageIO.read(new ByteArrayInputStream(shipped("jpeg_baseline_cat.jpg")));
            cat = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            cat.getGraphics().drawImage(read, 0, 0, null);
        }
        return cat;
    }

    /**
     * The cat stored rotated so that a viewer applying EXIF {@code orientation} shows it upright,
     * re-encoded as JPEG, with an APP1 Exif segment carrying the Orientation tag right after SOI.
     */
    private byte[] oriented(int orientation) throws IOException {
        BufferedImage up = cat();
        int w = up.getWidth(), h = up.getHeight();
        boolean swap = orientation == 6 || orientation == 8;
        BufferedImage stored = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = up.getRGB(x, y);
                switch (orientation) {
                    case 3 -> stored.setRGB(w - 1 - x, h - 1 - y, rgb);
                    case 6 -> stored.setRGB(y, w - 1 - x, rgb);  // viewer turns it 90 degrees clockwise
                    case 8 -> stored.setRGB(h - 1 - y, x, rgb);  // viewer turns it 90 degrees counter-clockwise
                    default -> throw new IllegalArgumentException("orientation " + orientation);
                }
            }
        }
        return withExifOrientation(jpeg(stored, 0.95f), orientation);
    }

    /** Inserts an APP1 Exif segment (big-endian TIFF, IFD0 with the Orientation tag only) after SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer app1 = ByteBuffer.allocate(4 + exif.length + tiff.capacity());
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + exif.length + tiff.capacity())).put(exif).put(tiff.array());
        return splice(jpeg, 2, app1.array());
    }

    /** A valid 1-bit grayscale PNG, all white, of the given size: the scanlines deflate to a few hundred KB. */
    static byte[] pngBomb(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 1).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        pngChunk(out, "IHDR", ihdr.array());
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] row = new byte[1 + (width + 7) / 8];
        Arrays.fill(row, 1, row.length, (byte) 0xFF);
        Deflater deflater = new Deflater(9);
        try (DeflaterOutputStream d = new DeflaterOutputStream(z, deflater, 1 << 16)) {
            for (int y = 0; y < height; y++) d.write(row);
        } finally {
            deflater.end();
        }
        byte[] data = z.toByteArray();
        for (int i = 0; i < data.length; i += 1 << 16) {
            pngChunk(out, "IDAT", Arrays.copyOfRange(data, i, Math.min(data.length, i + (1 << 16))));
        }
        pngChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Offset of the first chunk of that type (its length field). */
    static int chunk(byte[] png, String type) {
        ByteBuffer b = ByteBuffer.wrap(png);
        for (int pos = 8; pos + 8 <= png.length; pos += 12 + b.getInt(pos)) {
            if (new String(png, pos + 4, 4, StandardCharsets.US_ASCII).equals(type)) return pos;
        }
        throw new IllegalStateException("no " + type + " chunk");
    }

    /** Offset of the first JPEG marker FF {@code code} among the segments before the scan. */
    static int marker(byte[] jpeg, int code) {
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
            int m = jpeg[pos + 1] & 0xFF;
            if (m == code) return pos;
            if (m == 0xDA) break;
            pos += 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
        }
        throw new IllegalStateException(String.format("no FF%02X marker before the scan", code));
    }

    private static int startOfScan(byte[] jpeg) {
        return marker(jpeg, 0xDA);
    }

    private static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setPixel(x, y, new int[] {x * 4, y * 4, 128});
        return img;
    }

    /** 16 bits per sample: the 8-bit value in the high byte, a varying low byte (so that >>8 is exact and truncation tests something). */
    private static BufferedImage sixteenBit(BufferedImage src) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(src.getWidth(), src.getHeight());
        int[] px = new int[3];
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                src.getRaster().getPixel(x, y, px);
                for (int c = 0; c < 3; c++) px[c] = px[c] << 8 | ((x * 7 + y * 13 + c * 31) & 0xFF);
                r.setPixel(x, y, px);
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    private byte[] shipped(String name) throws IOException {
        return Files.readAllBytes(shipped.resolve(name));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] cut(byte[] data, double fraction) {
        return Arrays.copyOf(data, (int) (data.length * fraction));
    }

    private static byte[] splice(byte[] data, int at, byte[] insert) {
        byte[] out = new byte[data.length + insert.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(data, at, out, at + insert.length, data.length - at);
        return out;
    }

    private static byte[] jpeg(BufferedImage img, float quality) {
        return write(img, "jpeg", p -> {
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
        });
    }

    private static byte[] encode(BufferedImage img, String format) {
        return write(img, format, p -> { });
    }

    private static byte[] write(BufferedImage img, String format, java.util.function.Consumer<ImageWriteParam> settings) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            settings.accept(param);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
