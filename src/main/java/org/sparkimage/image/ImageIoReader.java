package org.sparkimage.image;

import java.awt.image.BufferedImage;
import java.awt.image.SampleModel;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;

/**
 * Decodes with javax.imageio: the JDK's readers plus TwelveMonkeys for JPEG (CMYK/YCCK, arithmetic
 * coding), TIFF (more compressions and colour spaces than the JDK's) and WebP. A fresh
 * {@link ImageReader} per image; its warnings turn partial decodes into TRUNCATED/CORRUPT, its
 * input stops flowing when the time budget is spent (TIMEOUT), and its raster is reserved in the
 * {@link DecodeMemoryBudget} before it is allocated. Raster samples become 8-bit RGB composited
 * over the background. Thread-safe; streams are in memory (no ImageIO cache files).
 */
final class ImageIoReader {
    private static final int RGB_BYTES = 3;

    static {
        // The ImageIO registry scans the class path of whichever thread touches it first; on a Spark
        // executor that class loader may not see the job jar. Registering the TwelveMonkeys readers
        // explicitly makes them present, and (through onRegistration) orders them before the JDK's.
        IIORegistry registry = IIORegistry.getDefaultInstance();
        registry.registerServiceProvider(new JPEGImageReaderSpi(), ImageReaderSpi.class);
        registry.registerServiceProvider(new WebPImageReaderSpi(), ImageReaderSpi.class);
        registry.registerServiceProvider(new TIFFImageReaderSpi(), ImageReaderSpi.class);
    }

    private final PixelLimit pixelLimit;
    private final AlphaCompositor compositor;
    private final DecodeMemoryBudget memory;

    ImageIoReader(PixelLimit pixelLimit, AlphaCompositor compositor, DecodeMemoryBudget memory) {
        this.pixelLimit = pixelLimit;
        this.compositor = compositor;
        this.memory = memory;
    }

    /**
     * Decodes the first image, upright, within the deadline and the memory budget.
     *
     * @param mayEndEarly false when the caller's header walk saw the format's end marker (JPEG EOI):
     *                    the data is all there, so any damage the reader reports is CORRUPT, whatever
     *                    its words (a segment parser's EOFException, "Premature end of JPEG file")
     */
    RgbImage read(ImageFormat format, byte[] data, int orientation, DecodeDeadline deadline, boolean mayEndEarly)
            throws ImageDecodeException {
        ImageReader reader = createReader(format);
        ReadWarnings warnings = new ReadWarnings();
        try (ImageInputStream in = new BudgetedImageInputStream(data, deadline)) {
            // ignoreMetadata: pixels need no text chunks, and a compressed-text bomb is then never inflated.
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(warnings);
            reader.addIIOReadProgressListener(new AbortAtDeadline(deadline));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            pixelLimit.check(width, height, format + " header");
            long bytes = (long) width * height * (rasterBytesPerPixel(reader) + RGB_BYTES
                    + (orientation == ExifOrientation.NORMAL ? 0 : RGB_BYTES));
            try (DecodeMemoryBudget.Reservation ignored = memory.reserve(bytes, format + " " + width + "x" + height)) {
                BufferedImage img = reader.read(0);
                if (deadline.tripped()) throw deadline.timeout(format);
                if (warnings.pixelsDamaged()) throw damaged(format, warnings, null, mayEndEarly);
                RgbImage rgb = new RgbImage(img.getWidth(), img.getHeight(), RasterConverter.toRgb(img, compositor));
                img = null; // the raster may go before the rotated copy is made
                return ExifOrientation.apply(rgb, orientation);
            }
        } catch (IOException e) {
            throw deadline.tripped() ? deadline.timeout(format) : damaged(format, warnings, e, mayEndEarly);
        } catch (RuntimeException | Error e) {
            // Readers fail on hostile input with anything from IndexOutOfBounds to NegativeArraySize;
            // the pixel limit and memory budget keep OutOfMemoryError out of reach for honest headers.
            // None of it may escape the row contract.
            if (deadline.tripped()) throw deadline.timeout(format);
            throw new ImageDecodeException(ImageError.CORRUPT, format + " decoder failed: " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    /** Bytes per pixel of the raster the reader will allocate; 4 (8-bit RGBA/CMYK) where it cannot say. */
    private static int rasterBytesPerPixel(ImageReader reader) {
        try {
            ImageTypeSpecifier type = reader.getRawImageType(0);
            if (type == null) return 4;
            SampleModel sm = type.getSampleModel(1, 1);
            int bits = 0;
            for (int b = 0; b < sm.getNumBands(); b++) bits += sm.getSampleSize(b);
            return Math.max(1, (bits + 7) / 8);
        } catch (IOException | RuntimeException e) {
            return 4;
        }
    }

    /**
     * Asks the reader to stop at its next progress report once the deadline has passed. (No
     * IIOReadUpdateListener: with one attached, the JDK's JPEG reader renders every progressive pass.)
     */
    private record AbortAtDeadline(DecodeDeadline deadline) implements IIOReadProgressListener {
        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (deadline.expired()) source.abort();
        }

        @Override public void sequenceStarted(ImageReader source, int minIndex) { }
        @Override public void sequenceComplete(ImageReader source) { }
        @Override public void imageStarted(ImageReader source, int imageIndex) { }
        @Override public void imageComplete(ImageReader source) { }
        @Override public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) { }
        @Override public void thumbnailProgress(ImageReader source, float percentageDone) { }
        @Override public void thumbnailComplete(ImageReader source) { }
        @Override public void readAborted(ImageReader source) { }
    }

    private static ImageReader createReader(ImageFormat format) throws ImageDecodeException {
        String name = format.imageIoName();
        if (name == null) {
            throw new ImageDecodeException(ImageError.UNSUPPORTED_FORMAT, format + " image recognised; this format is not decoded");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(name);
        if (!readers.hasNext()) {
            throw new ImageDecodeException(ImageError.UNSUPPORTED_FORMAT, format + " image recognised, but no " + format + " decoder is installed");
        }
        return readers.next();
    }

    /**
     * A reader exception and/or pixel-damage warnings as TRUNCATED or CORRUPT. The rule: TRUNCATED
     * only when the data ends early; data that is there but inconsistent is CORRUPT. So TRUNCATED
     * needs both an end-of-data report (a warning or exception {@link ReadWarnings#isTruncation}
     * accepts, or an {@link EOFException}) and data that may end early ({@code mayEndEarly}: for
     * JPEG, no EOI after the scans). Everything else is CORRUPT, among it every fatal libjpeg error
     * about table definitions ("Bogus Huffman table definition", "Bogus DHT index 7", "Huffman table
     * 0x03 was not defined", "Quantization table 0x00 was not defined", "Bogus DQT index") and the
     * EOFException TwelveMonkeys throws when a DHT's counts run past the end of its segment, not of
     * the file.
     */
    private static ImageDecodeException damaged(ImageFormat format, ReadWarnings warnings, IOException cause,
                                                boolean mayEndEarly) {
        boolean truncated = mayEndEarly && (warnings.truncation() || (cause != null && endOfData(cause)));
        String detail = cause == null ? warnings.firstDamage()
                : describe(cause) + (warnings.pixelsDamaged() ? " (after warning: " + warnings.firstDamage() + ")" : "");
        return truncated
                ? new ImageDecodeException(ImageError.TRUNCATED, format + " data ends before the image is complete: " + detail, cause)
                : new ImageDecodeException(ImageError.CORRUPT, format + " data is damaged: " + detail, cause);
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

}
