package org.sparkimage.image;

/**
 * Why bytes could not become pixels. Each is also a row error code of the same name
 * ({@code org.sparkimage.core.ImageError}, which adds the codes of reading and inference): never
 * rename one, only add.
 */
public enum ImageError {
    /** The file has 0 bytes. */
    EMPTY,
    /** The bytes match no image signature (text, HTML, PDF, archives, random bytes). */
    NOT_AN_IMAGE,
    /** A recognised image format or variant that the decoder set cannot decode (SVG, AVIF, HEIC, ...). */
    UNSUPPORTED_FORMAT,
    /** The data ends before the image is complete; partial decodes are never classified. */
    TRUNCATED,
    /** The data is present but inconsistent (bad entropy data, CRC mismatch, zero dimension, ...). */
    CORRUPT,
    /** The dimensions declared in the header exceed the pixel limit. */
    TOO_LARGE,
    /** Decoding exceeded the per-image time budget. */
    TIMEOUT
}
