package org.sparkimage.image;

import java.nio.FloatBuffer;

import org.sparkimage.model.ModelCard;

/**
 * Writes one image into a model input tensor as its {@link ModelCard} says: resize (stretch, or
 * shorter side then centre crop), interpolation, divisor, mean/std, channel order and layout.
 *
 * <p>Samples become {@code p = (float) (v / divisor)}; interpolation runs in double on those
 * float values and is stored as float; then {@code (p - mean[c]) / std[c]} in float. For
 * BILINEAR_ALIGN_CORNERS with STRETCH this reproduces tfjs 4.22 {@code resizeBilinear} (the nsfwjs
 * reference) bit for bit.
 *
 * <p>Only the output window is sampled: a centre crop maps its pixels straight back to the source,
 * so no resized copy of the image is ever built. Per call the only allocations are the per-axis
 * tap tables (proportional to the output size). Immutable and thread-safe.
 */
public final class Preprocessor {
    private final ModelCard card;
    private final int outW;
    private final int outH;
    private final boolean nhwc;
    private final boolean bgr;
    private final float[] mean;
    private final float[] std;
    /** {@code (float) (v / divisor)} for each 8-bit value v. */
    private final float[] scaled = new float[256];

    public Preprocessor(ModelCard card) {
        this.card = card;
        this.outW = card.input().width();
        this.outH = card.input().height();
        this.nhwc = card.input().layout() == ModelCard.Layout.NHWC;
        this.bgr = card.input().channels() == ModelCard.ChannelOrder.BGR;
        this.mean = card.preprocess().mean();
        this.std = card.preprocess().std();
        double divisor = card.preprocess().divisor();
        for (int v = 0; v < 256; v++) scaled[v] = (float) (v / divisor);
    }

    public ModelCard card() {
        return card;
    }

    /**
     * How small a decoder may make the image while decoding: the resize's starting size (the window
     * for STRETCH, the shorter-side target for SHORTER_SIDE_CROP), times two for the 4-tap bilinear
     * kinds. Those sample points without averaging, and models fed that way see the aliasing of a
     * large source; from a DCT-reduced source just above the window, 3 of the 32 reference JPEGs of
     * the default model changed top-1, from one twice the window none did (docs/throughput.md).
     * AREA averages anyway, so it may start from the window size itself.
     */
    public ScaleHint scaleHint() {
        int oversample = card.preprocess().interpolation() == ModelCard.Interpolation.AREA ? 1 : 2;
        if (card.preprocess().resize() == ModelCard.Resize.STRETCH) return new ScaleHint(outW * oversample, outH * oversample);
        int shorter = Math.max(card.preprocess().resizeShorter(), Math.max(outW, outH)) * oversample;
        return new ScaleHint(shorter, shorter);
    }

    /**
     * Full resolution, decoding only the rows and columns the two-tap resize reads: the pixels the
     * model sees are those of a whole decode. For AREA every pixel counts, so the hint asks for all.
     */
    public ScaleHint sampledHint() {
        return card.preprocess().interpolation() == ModelCard.Interpolation.AREA
                ? ScaleHint.FULL_RESOLUTION : ScaleHint.sampled(this::sampledAxes);
    }

    /** The upright rows and columns {@link #write} reads of a {@code width x height} image (two-tap kinds only). */
    SampledAxes sampledAxes(int width, int height) {
        LerpAxis[] xy = lerpAxes(width, height);
        return new SampledAxes(xy[1].reads(), xy[0].reads());
    }

    /** The x and y axes of a two-tap resize of a {@code width x height} image. */
    private LerpAxis[] lerpAxes(int width, int height) {
        Geometry g = geometry(width, height);
        return switch (card.preprocess().interpolation()) {
            case BILINEAR_ALIGN_CORNERS -> new LerpAxis[] {
                LerpAxis.alignCorners(width, g.resizedWidth(), g.cropX(), outW),
                LerpAxis.alignCorners(height, g.resizedHeight(), g.cropY(), outH)};
            case BILINEAR -> new LerpAxis[] {
                LerpAxis.halfPixel(width, g.resizedWidth(), g.cropX(), outW),
                LerpAxis.halfPixel(height, g.resizedHeight(), g.cropY(), outH)};
            case AREA -> throw new IllegalStateException("AREA is not a two-tap resize");
        };
    }

    /**
     * Where the output window lies in the (virtual) resized image.
     *
     * @param resizedWidth  width the whole image is resized to (never 0)
     * @param resizedHeight height the whole image is resized to (never 0)
     * @param cropX         first resized column of the output window
     * @param cropY         first resized row of the output window
     */
    public record Geometry(long resizedWidth, long resizedHeight, long cropX, long cropY) {
    }

    /**
     * STRETCH: the image is resized to exactly the card size. SHORTER_SIDE_CROP: the shorter side
     * becomes {@code resizeShorter}, the other keeps the aspect ratio (rounded, at least 1), and the
     * centre window is cut (offset rounded down). Should a side still be smaller than the window
     * (only with a non-square window and a small {@code resizeShorter}), it is stretched to the window.
     */
    public Geometry geometry(int width, int height) {
        if (card.preprocess().resize() == ModelCard.Resize.STRETCH) return new Geometry(outW, outH, 0, 0);
        long shorter = card.preprocess().resizeShorter();
        long rw;
        long rh;
        if (width <= height) {
            rw = shorter;
            rh = Math.max(1, Math.round((double) height * shorter / width));
        } else {
            rh = shorter;
            rw = Math.max(1, Math.round((double) width * shorter / height));
        }
        rw = Math.max(rw, outW);
        rh = Math.max(rh, outH);
        return new Geometry(rw, rh, (rw - outW) / 2, (rh - outH) / 2);
    }

    /**
     * Writes {@code card.tensorSize()} floats for {@code img} at offset {@code slot * tensorSize}
     * with absolute puts; the buffer's position is left alone.
     */
    public void write(RgbImage img, FloatBuffer dst, int slot) {
        int base = slotBase(dst, slot);
        if (card.preprocess().interpolation() == ModelCard.Interpolation.AREA) {
            Geometry g = geometry(img.width(), img.height());
            area(img, dst, base, AreaAxis.of(img.width(), g.resizedWidth(), g.cropX(), outW),
                    AreaAxis.of(img.height(), g.resizedHeight(), g.cropY(), outH));
        } else {
            LerpAxis[] xy = lerpAxes(img.width(), img.height());
            lerp(img, dst, base, xy[0], xy[1]);
        }
    }

    /**
     * As {@link #write(RgbImage, FloatBuffer, int)}; for pixels reduced to the rows and columns
     * the resize reads ({@link DecodedImage#kept()}), the resize is laid over the full size and
     * reads the same samples from the compacted pixels.
     */
    public void write(DecodedImage img, FloatBuffer dst, int slot) {
        SampledAxes kept = img.kept();
        if (kept == null) {
            write(img.pixels(), dst, slot);
            return;
        }
        LerpAxis[] xy = lerpAxes(img.width(), img.height());
        lerp(img.pixels(), dst, slotBase(dst, slot), xy[0].within(kept.cols()), xy[1].within(kept.rows()));
    }

    private int slotBase(FloatBuffer dst, int slot) {
        int size = card.tensorSize();
        long base = (long) slot * size;
        if (slot < 0 || base + size > dst.limit()) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + size + " floats does not fit a buffer with limit " + dst.limit());
        }
        return (int) base;
    }

    /** 4-tap interpolation in the exact operation order of tfjs: lerp along x on two rows, then along y. */
    private void lerp(RgbImage img, FloatBuffer dst, int base, LerpAxis ax, LerpAxis ay) {
        byte[] px = img.pixels();
        int w = img.width();
        RowWriter out = new RowWriter(dst, base);
        float[] row = out.row;
        for (int y = 0; y < outH; y++) {
            int row0 = ay.lo[y] * w;
            int row1 = ay.hi[y] * w;
            double dy = ay.frac[y];
            for (int x = 0; x < outW; x++) {
                int i00 = 3 * (row0 + ax.lo[x]);
                int i01 = 3 * (row0 + ax.hi[x]);
                int i10 = 3 * (row1 + ax.lo[x]);
                int i11 = 3 * (row1 + ax.hi[x]);
                double dx = ax.frac[x];
                for (int c = 0; c < 3; c++) {
                    double p00 = scaled[px[i00 + c] & 0xFF];
                    double p01 = scaled[px[i01 + c] & 0xFF];
                    double p10 = scaled[px[i10 + c] & 0xFF];
                    double p11 = scaled[px[i11 + c] & 0xFF];
                    double top = p00 + (p01 - p00) * dx;
                    double bottom = p10 + (p11 - p10) * dx;
                    row[3 * x + c] = (float) (top + (bottom - top) * dy);
                }
            }
            out.flush(y);
        }
    }

    /** Separable weighted sum: box averages when shrinking, linear weights when enlarging. */
    private void area(RgbImage img, FloatBuffer dst, int base, AreaAxis ax, AreaAxis ay) {
        byte[] px = img.pixels();
        int w = img.width();
        RowWriter out = new RowWriter(dst, base);
        float[] row = out.row;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double r = 0;
                double g = 0;
                double b = 0;
                for (int j = 0; j < ay.count[y]; j++) {
                    double wy = ay.weight(y, j);
                    int rowStart = (ay.first[y] + j) * w;
                    for (int i = 0; i < ax.count[x]; i++) {
                        double wxy = wy * ax.weight(x, i);
                        int s = 3 * (rowStart + ax.first[x] + i);
                        r += wxy * scaled[px[s] & 0xFF];
                        g += wxy * scaled[px[s + 1] & 0xFF];
                        b += wxy * scaled[px[s + 2] & 0xFF];
                    }
                }
                row[3 * x] = (float) r;
                row[3 * x + 1] = (float) g;
                row[3 * x + 2] = (float) b;
            }
            out.flush(y);
        }
    }

    /**
     * Collects one output row of interpolated R,G,B values, then normalises it and stores it with
     * bulk puts where the layout and channel order put it: one contiguous run per row for NHWC,
     * one per channel plane for NCHW. (A put per value costs a bounds check and a byte-order
     * conversion each: 150k of them per 224x224 image.)
     */
    private final class RowWriter {
        final float[] row = new float[outW * 3];
        private final float[] out = new float[outW * 3];
        private final FloatBuffer dst;
        private final int base;

        RowWriter(FloatBuffer dst, int base) {
            this.dst = dst;
            this.base = base;
        }

        void flush(int y) {
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < 3; c++) {
                    int t = bgr ? 2 - c : c;
                    float v = (row[3 * x + c] - mean[t]) / std[t];
                    out[nhwc ? 3 * x + t : t * outW + x] = v;
                }
            }
            if (nhwc) {
                dst.put(base + y * outW * 3, out, 0, outW * 3);
            } else {
                for (int t = 0; t < 3; t++) dst.put(base + t * outW * outH + y * outW, out, t * outW, outW);
            }
        }
    }
}
