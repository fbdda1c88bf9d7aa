package org.sparkimage.image;

/** Image container formats recognised by {@link FormatSniffer}, whether or not a decoder for them is shipped. */
public enum ImageFormat {
    JPEG("jpeg"),
    PNG("png"),
    GIF("gif"),
    BMP("bmp"),
    TIFF("tiff"),
    WEBP("webp"),
    JPEG_2000("jpeg2000"),
    /** A vector format: never rasterised by this project. */
    SVG(null),
    AVIF(null),
    /** HEIF/HEIC (ISO-BMFF still image with HEVC or unknown coding). */
    HEIF(null),
    JPEG_XL(null),
    JPEG_XR(null),
    /** Photoshop document. */
    PSD(null),
    /** Windows icon or cursor. */
    ICO(null),
    ICNS(null),
    /** Netpbm PBM/PGM/PPM/PAM and PFM. */
    PNM(null),
    QOI(null),
    OPENEXR(null),
    RADIANCE_HDR(null),
    DDS(null),
    /** Truevision TGA 2.0 (identified by its footer; TGA 1.0 has no signature at all). */
    TGA(null),
    BPG(null),
    FLIF(null),
    DICOM(null),
    /** GIMP's native format. */
    XCF(null);

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /**
     * The javax.imageio format name whose readers may decode this format, or null where no
     * ImageIO reader is even looked for. A format with a name can still lack a reader at run time
     * (WebP, JPEG 2000 without a plugin); the decoder then reports UNSUPPORTED_FORMAT.
     */
    public String imageIoName() {
        return imageIoName;
    }
}
