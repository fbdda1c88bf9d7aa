package org.sparkimage.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

import ai.onnxruntime.OrtException;

import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.quant.ActivationRanges;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.util.Sha256;

/**
 * Builds the int8 form of a float MobileNetV2 this project wrote: decodes calibration images on the
 * reference path (full decode), runs the float model over them to find each activation's range
 * ({@link ActivationCalibrator}), and writes the QDQ graph with per-channel int8 weights and
 * bias correction. The same model and the same calibration images give the same bytes.
 *
 * <p>The stem and the first inverted-residual block stay float ({@link #FLOAT_LAYERS}): in the
 * per-layer study of docs/throughput.md, quantizing the first depthwise conv alone moved the
 * probabilities of the reference photographs more than all other layers together, and the block
 * costs 7 % of the model's multiply-adds.
 */
public final class Int8Quantizer {
    /** Conv layers kept float: MobileNetV2's stem and first block (a prefix of the network). */
    public static final Set<String> FLOAT_LAYERS = Set.of("stem", "block0_depthwise", "block0_project");
    /** Images per calibration run: every layer's output is held at once, about 20 MB per image. */
    private static final int BATCH = 4;

    /**
     * A built model and what went into it.
     *
     * @param model   the int8 ONNX model
     * @param used    calibration images that decoded and were used
     * @param skipped calibration files that did not decode
     */
    public record Result(byte[] model, int used, int skipped) {}

    private Int8Quantizer() {}

    /**
     * Quantizes {@code fp32}.
     *
     * @param fp32    a float model written by this project
     * @param images  encoded calibration images, in a fixed order; read until {@code wanted} decoded
     * @param wanted  how many decodable images to use
     * @param method  how ranges are read from the values
     * @param limits  decode limits for the calibration images
     * @param threads ONNX Runtime threads for the calibration runs
     * @throws IllegalArgumentException when the model was not written by this project
     * @throws IllegalStateException    when no calibration image decodes
     */
    public static Result quantize(byte[] fp32, Iterator<byte[]> images, int wanted, CalibrationMethod method,
                                  DecodeLimits limits, int threads) throws OrtException {
        WrittenModel model = WrittenModel.read(fp32);
        Preprocessor pre = new Preprocessor(model.card());
        GuardedImageDecoder decoder = new GuardedImageDecoder(limits, model.card().preprocess().background());
        int size = model.card().tensorSize();
        FloatBuffer batch = ByteBuffer.allocateDirect(BATCH * size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        MessageDigest digest = Sha256.digest();
        int used = 0;
        int skipped = 0;
        try (ActivationCalibrator calibrator = new ActivationCalibrator(model, threads)) {
            int inBatch = 0;
            while (used < wanted && images.hasNext()) {
                byte[] encoded = images.next();
                try {
                    pre.write(decoder.decode(encoded, ScaleHint.FULL_RESOLUTION).pixels(), batch, inBatch);
                } catch (ImageDecodeException e) {
                    skipped++;
                    continue;
                }
                digest.update(Sha256.digest().digest(encoded));
                used++;
                if (++inBatch == BATCH) {
                    calibrator.add(batch, inBatch);
                    inBatch = 0;
                }
            }
            if (inBatch > 0) calibrator.add(batch, inBatch);
            if (used == 0) throw new IllegalStateException("none of the " + skipped + " calibration files decoded");
            ActivationRanges ranges = calibrator.ranges(method, HexFormat.of().formatHex(digest.digest()));
            byte[] int8 = MobileNetV2OnnxWriter.write(model.spec(), model.weights(), model.card(),
                    MobileNetV2OnnxWriter.Options.int8(ranges, FLOAT_LAYERS));
            return new Result(int8, used, skipped);
        }
    }

    /** The default thread count for calibration: the driver's cores. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
