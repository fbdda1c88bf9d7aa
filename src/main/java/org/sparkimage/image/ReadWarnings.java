package org.sparkimage.image;

import java.util.Locale;

import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Collects the warnings a reader emits while decoding. libjpeg (inside javax.imageio) and the
 * TwelveMonkeys reader report truncated or damaged data only as warnings and still return an
 * image, grey-filled or smeared; such a partial decode must become an error, never a prediction.
 * One reader per decode, one collector per reader: no sharing between threads.
 */
final class ReadWarnings implements IIOReadWarningListener {
    private String damage;
    private boolean truncation;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
        String message = warning == null ? "" : warning;
        if (isMetadataNote(message)) return;
        if (damage == null) damage = message;
        truncation |= isTruncation(message);
    }

    /** Whether some warning said that pixel data is missing or damaged. */
    boolean pixelsDamaged() {
        return damage != null;
    }

    boolean truncation() {
        return truncation;
    }

    /** The first pixel-damage warning, for the error message. */
    String firstDamage() {
        return damage;
    }

    /**
     * Warnings about ignored metadata (a bad or missing ICC profile, an inconsistent Adobe
     * APP14 marker, a broken thumbnail) leave the pixels intact.
     */
    static boolean isMetadataNote(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("icc") || m.contains("color profile") || m.contains("app14")
                || m.contains("thumbnail") || m.contains("ignoring");
    }

    /**
     * The messages libjpeg, the JDK readers and TwelveMonkeys use when the data simply ends
     * ("Premature end of JPEG file", "Truncated File - Missing EOI marker", "Unexpected end of
     * ZLIB input stream", the JDK TIFF reader's "Data segment out of stream" for an offset past
     * the end of a file whose length it knows). libjpeg's "premature end of data segment" alone is not one of them: it
     * also follows garbage inside a scan. None of libjpeg's table errors ("Bogus Huffman table
     * definition", "Bogus DHT index", "Bogus DQT index", "Huffman/Quantization table 0x.. was not
     * defined") nor its other "Corrupt JPEG data: ..." warnings match. A match alone is not enough
     * for TRUNCATED: the data must also be able to end early (for JPEG: no EOI after the scans),
     * see {@code ImageIoReader#damaged}.
     */
    static boolean isTruncation(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("premature end of jpeg file") || m.contains("truncat") || m.contains("missing eoi")
                || m.contains("unexpected end") || m.contains("end of file") || m.contains("out of stream");
    }
}
