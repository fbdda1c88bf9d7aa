package org.sparkimage.image;

/**
 * The project's {@link ImageDecoder}: every guard of the row contract in front of two decoders.
 *
 * <p>Per file: sniff the format from magic bytes; walk the headers (JPEG markers and scan headers,
 * PNG chunks, GIF blocks, WebP RIFF chunks, BMP and TIFF headers) to check the declared size
 * against the pixel limit and to catch truncation, damaged critical chunks, illegal JPEG
 * progressions and unsupported variants without decoding. Then:
 * <ul>
 *   <li>JPEG (1 or 3 components, at most {@value #MAX_NATIVE_SCANS} scans) goes to libjpeg-turbo
 *       ({@link NativeJpegReader}) at the smallest DCT scale that still satisfies the
 *       {@link ScaleHint}, or at full resolution with only the rows and columns its sampler names
 *       decoded; EXIF orientation and the embedded ICC profile are applied to the small result.
 *       A file libjpeg warns about is decoded again below for an exact diagnosis.</li>
 *   <li>everything else, and the cases above, goes to javax.imageio ({@link ImageIoReader}) at full
 *       resolution, within the time budget.</li>
 * </ul>
 * Both reserve their memory in the JVM-wide {@link DecodeMemoryBudget} first. Thread-safe.
 */
public final class GuardedImageDecoder implements ImageDecoder {
    /**
     * Legal progressions may have thousands of scans, each costing a pass over the coefficients,
     * and a native decode cannot be stopped by the time budget; real encoders write at most a few
     * dozen, so more than this many go through the interruptible javax.imageio path.
     */
    static final int MAX_NATIVE_SCANS = 64;
    /**
     * Narrower JPEGs are decoded whole. With 4:2:0 chroma and a width of 1 to 4 pixels,
     * libjpeg-turbo 3.0.1 gives some rows after a skip different samples than a whole decode
     * (measured over widths 1-39 and larger, three samplings, two output heights; nothing at 5 or
     * more); one MCU's width keeps well clear of that, and such images have little to skip.
     */
    static final int MIN_ROW_DECODE_WIDTH = 16;
    private static final int[] WHITE = {255, 255, 255};
    private static final int RGB_BYTES = 3;
    private static final int PIX_BYTES = 4;

    private final DecodeLimits limits;
    private final int[] background;
    private final PixelLimit pixelLimit;
    private final DecodeMemoryBudget memory;
    private final ImageIoReader imageIo;
    private final boolean nativeJpeg;

    /** {@link DecodeLimits#DEFAULT}, transparent pixels composited over white. */
    public GuardedImageDecoder() {
        this(DecodeLimits.DEFAULT, WHITE);
    }

    /** @param background R, G, B (0..255) that transparent pixels are composited over */
    public GuardedImageDecoder(DecodeLimits limits, int[] background) {
        this(limits, background, DecodeMemoryBudget.jvmShared());
    }

    /** With a memory budget of its own instead of the JVM's shared one. */
    public GuardedImageDecoder(DecodeLimits limits, int[] background, DecodeMemoryBudget memory) {
        this(limits, background, memory, true);
    }

    private GuardedImageDecoder(DecodeLimits limits, int[] background, DecodeMemoryBudget memory, boolean nativeJpeg) {
        this.limits = limits;
        this.background = background.clone();
        this.pixelLimit = new PixelLimit(limits.maxPixels());
        this.memory = memory;
        this.imageIo = new ImageIoReader(pixelLimit, new AlphaCompositor(background), memory);
        this.nativeJpeg = nativeJpeg;
    }

    /** The same decoder with JPEGs decoded by javax.imageio at full resolution (the baseline of benchmarks). */
    public GuardedImageDecoder withoutNativeJpeg() {
        return new GuardedImageDecoder(limits, background, memory, false);
    }

    /** Whether JPEGs go to libjpeg-turbo (enabled, and its native library loaded on this platform). */
    public boolean usesNativeJpeg() {
        return nativeJpeg && NativeJpegReader.available();
    }

    public DecodeLimits limits() {
        return limits;
    }

    @Override
    public DecodedImage decode(byte[] data, ScaleHint hint) throws ImageDecodeException {
        if (data.length == 0) throw new ImageDecodeException(ImageError.EMPTY, "the file is empty (0 bytes)");
        ImageFormat format = FormatSniffer.sniff(data).orElseThrow(() -> new ImageDecodeException(
                ImageError.NOT_AN_IMAGE, "no image signature; the data starts with " + describeHead(data)));
        DecodeDeadline deadline = DecodeDeadline.start(limits.timeBudget());
        int orientation = ExifOrientation.NORMAL;
        boolean mayEndEarly = true;
        switch (format) {
            case JPEG -> {
                JpegHeader header = JpegHeader.read(data, pixelLimit);
                if (usesNativeJpeg() && header.components() != 4 && header.scans() <= MAX_NATIVE_SCANS) {
                    DecodedImage decoded = decodeNative(data, header, hint);
                    if (decoded != null) return decoded;
                }
                orientation = header.orientation();
                mayEndEarly = !header.endOfImage();
            }
            case PNG -> PngStructure.verify(data, pixelLimit);
            case GIF -> GifStructure.verify(data, pixelLimit);
            case WEBP -> WebpStructure.verify(data, pixelLimit);
            case BMP -> BmpStructure.verify(data, pixelLimit);
            case TIFF -> TiffStructure.verify(data);
            default -> {
                // The reader's own header parse gives the size (checked before it decodes).
            }
        }
        return DecodedImage.fullSize(imageIo.read(format, data, orientation, deadline, mayEndEarly));
    }

    /**
     * The libjpeg-turbo path, or null when libjpeg reported a problem (javax.imageio then says
     * which). At full resolution with a {@link ScaleHint#sampler()}, only the rows and columns it
     * names are decoded ({@link JpegRowDecoder}); should that fail for any reason but damage, the
     * whole image is decoded instead.
     */
    private DecodedImage decodeNative(byte[] data, JpegHeader h, ScaleHint hint) throws ImageDecodeException {
        boolean quarterTurn = h.orientation() >= 5; // orientations 5..8 swap width and height
        int width = quarterTurn ? h.height() : h.width();
        int height = quarterTurn ? h.width() : h.height();
        int reduction = hint.reductionFor(width, height);
        if (reduction == 1 && hint.sampler() != null && h.width() >= MIN_ROW_DECODE_WIDTH && JpegRowDecoder.available()) {
            SampledAxes kept = hint.sampler().axes(width, height);
            if (kept != null) {
                JpegRowDecoder.Result rows = decodeRows(data, h, kept);
                if (rows.outcome() == JpegRowDecoder.Outcome.DAMAGED) return null;
                if (rows.outcome() == JpegRowDecoder.Outcome.DECODED) {
                    RgbImage img = IccConverter.toSrgb(ExifOrientation.apply(rows.pixels(), h.orientation()), h.iccProfile());
                    return new DecodedImage(img, width, height, kept);
                }
            }
        }
        long outPixels = (long) ((h.width() + reduction - 1) / reduction) * ((h.height() + reduction - 1) / reduction);
        // Output pixels (native words, RGB, a rotated copy), plus the whole coefficient buffer that a
        // progressive decode keeps (2 bytes per coefficient, at most one per pixel and component).
        long bytes = outPixels * (PIX_BYTES + RGB_BYTES + (h.orientation() == ExifOrientation.NORMAL ? 0 : RGB_BYTES))
                + (h.progressive() ? (long) h.width() * h.height() * 2 * h.components() : 0);
        try (DecodeMemoryBudget.Reservation ignored = memory.reserve(bytes, "JPEG " + h.width() + "x" + h.height())) {
            RgbImage img = NativeJpegReader.read(data, reduction);
            if (img == null) return null;
            img = IccConverter.toSrgb(ExifOrientation.apply(img, h.orientation()), h.iccProfile());
            return new DecodedImage(img, width, height);
        }
    }

    /**
     * The stored rows and columns that hold the upright {@code kept} ones, decoded within a memory
     * reservation for the kept samples (and their rotated copy), one full decoded row, a copy of
     * the file, and the coefficients a progressive decode keeps.
     */
    private JpegRowDecoder.Result decodeRows(byte[] data, JpegHeader h, SampledAxes kept) throws ImageDecodeException {
        SampledAxes stored = ExifOrientation.storedAxes(kept, h.width(), h.height(), h.orientation());
        long samples = (long) stored.rows().length * stored.cols().length;
        long bytes = samples * RGB_BYTES * (h.orientation() == ExifOrientation.NORMAL ? 1 : 2)
                + (long) h.width() * RGB_BYTES + data.length
                + (h.progressive() ? (long) h.width() * h.height() * 2 * h.components() : 0);
        try (DecodeMemoryBudget.Reservation ignored = memory.reserve(bytes, "JPEG rows of " + h.width() + "x" + h.height())) {
            return JpegRowDecoder.read(data, h.width(), h.height(), stored.rows(), stored.cols());
        }
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
