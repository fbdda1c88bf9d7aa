package org.sparkimage.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;

/**
 * {@link ImageDecoder} on javax.imageio, with the TwelveMonkeys JPEG reader for CMYK/YCCK JPEGs.
 *
 * <p>Per file: sniff the format from magic bytes; walk the headers (JPEG markers, PNG chunks, GIF
 * blocks) to check the declared size against the pixel limit and to catch truncation, damaged
 * critical chunks and unsupported JPEG variants without decoding; decode the first image with a
 * fresh {@link ImageReader} whose warnings turn partial decodes into TRUNCATED/CORRUPT; convert
 * raster samples to 8-bit RGB composited over the background; apply EXIF orientation (JPEG).
 *
 * <p>Thread-safe: no mutable state is shared between calls, and input streams are in-memory
 * (no ImageIO disk cache files).
 */
public final class ImageIoDecoder implements ImageDecoder {
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /** Largest accepted limit: a 4-band 8-bit raster of that many pixels still fits one Java array. */
    public static final long MAX_PIXEL_LIMIT = Integer.MAX_VALUE / 4;
    private static final int[] WHITE = {255, 255, 255};

    static {
        // The ImageIO registry scans the class path of whichever thread touches it first; on a Spark
        // executor that class loader may not see the job jar. Registering the TwelveMonkeys reader
        // explicitly makes it present, and (through its onRegistration) ordered before the JDK's.
        IIORegistry.getDefaultInstance().registerServiceProvider(new JPEGImageReaderSpi(), ImageReaderSpi.class);
    }

    private final PixelLimit limit;
    private final AlphaCompositor compositor;

    /** Limit {@value #DEFAULT_MAX_PIXELS} pixels, transparent pixels composited over white. */
    public ImageIoDecoder() {
        this(DEFAULT_MAX_PIXELS, WHITE);
    }

    /**
     * @param maxPixels  largest declared width*height decoded; larger images are TOO_LARGE
     *                   (1..{@link #MAX_PIXEL_LIMIT})
     * @param background R, G, B (0..255) that transparent pixels are composited over
     */
    public ImageIoDecoder(long maxPixels, int[] background) {
        if (maxPixels < 1 || maxPixels > MAX_PIXEL_LIMIT) {
            throw new IllegalArgumentException("pixel limit must be in 1.." + MAX_PIXEL_LIMIT + ", got " + maxPixels);
        }
        this.limit = new PixelLimit(maxPixels);
        this.compositor = new AlphaCompositor(background);
    }

    public long maxPixels() {
        return limit.maxPixels();
    }

    @Override
    public RgbImage decode(byte[] data) throws ImageDecodeException {
        if (data.length == 0) throw new ImageDecodeException(ErrorCode.EMPTY, "the file is empty (0 bytes)");
        ImageFormat format = FormatSniffer.sniff(data).orElseThrow(() -> new ImageDecodeException(
                ErrorCode.NOT_AN_IMAGE, "no image signature; the data starts with " + describeHead(data)));
        int orientation = checkStructure(format, data);
        return ExifOrientation.apply(readPixels(format, data), orientation);
    }

    /** Header checks that need no decoder; returns the EXIF orientation (1 where none applies). */
    private int checkStructure(ImageFormat format, byte[] data) throws ImageDecodeException {
        switch (format) {
            case JPEG -> {
                return JpegHeader.read(data, limit).orientation();
            }
            case PNG -> PngStructure.verify(data, limit);
            case GIF -> GifStructure.verify(data, limit);
            default -> {
                // BMP, TIFF and the rest: the reader's own header parse gives the size (checked in readPixels).
            }
        }
        return ExifOrientation.NORMAL;
    }

    private RgbImage readPixels(ImageFormat format, byte[] data) throws ImageDecodeException {
        ImageReader reader = createReader(format);
        ReadWarnings warnings = new ReadWarnings();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            // ignoreMetadata: pixels need no text chunks, and a compressed-text bomb is then never inflated.
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(warnings);
            limit.check(reader.getWidth(0), reader.getHeight(0), format + " header");
            BufferedImage img = reader.read(0);
            if (warnings.pixelsDamaged()) throw damaged(format, warnings, null);
            return new RgbImage(img.getWidth(), img.getHeight(), RasterConverter.toRgb(img, compositor));
        } catch (IOException e) {
            throw damaged(format, warnings, e);
        } catch (RuntimeException | Error e) {
            // Readers fail on hostile input with anything from IndexOutOfBounds to NegativeArraySize;
            // the pixel limit keeps OutOfMemoryError out of reach for honest headers. None of it may
            // escape the row contract.
            throw new ImageDecodeException(ErrorCode.CORRUPT, format + " decoder failed: " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader createReader(ImageFormat format) throws ImageDecodeException {
        String name = format.imageIoName();
        if (name == null) {
            throw new ImageDecodeException(ErrorCode.UNSUPPORTED_FORMAT, format + " image recognised; this format is not decoded");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(name);
        if (!readers.hasNext()) {
            throw new ImageDecodeException(ErrorCode.UNSUPPORTED_FORMAT, format + " image recognised, but no " + format + " decoder is installed");
        }
        return readers.next();
    }

    /** A reader exception and/or pixel-damage warnings as TRUNCATED (the data just ends) or CORRUPT. */
    private static ImageDecodeException damaged(ImageFormat format, ReadWarnings warnings, IOException cause) {
        boolean truncated = warnings.truncation() || (cause != null && endOfData(cause));
        String detail = cause == null ? warnings.firstDamage()
                : describe(cause) + (warnings.pixelsDamaged() ? " (after warning: " + warnings.firstDamage() + ")" : "");
        return truncated
                ? new ImageDecodeException(ErrorCode.TRUNCATED, format + " data ends before the image is complete: " + detail, cause)
                : new ImageDecodeException(ErrorCode.CORRUPT, format + " data is damaged: " + detail, cause);
    }

    private static boolean endOfData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || (t.getMessage() != null && ReadWarnings.isTruncation(t.getMessage()))) return true;
        }
        return false;
    }

    /** The message chain, e.g. "Error reading PNG image data: Unexpected end of ZLIB input stream". */
    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 500; t = t.getCause()) {
            if (b.length() > 0) b.append(": ");
            b.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return b.toString();
    }

    /** The first bytes as hex plus printable text, so that an error row hints at what the file was. */
    private static String describeHead(byte[] data) {
        int n = Math.min(16, data.length);
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = data[i] & 0xFF;
            hex.append(String.format("%02X ", b));
            text.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return hex.toString().trim() + " \"" + text + "\"";
    }
}
