package org.sparkimage.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

import ai.onnxruntime.OrtException;

import org.sparkimage.image.DecodeLimits;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.QdqTensors;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.quant.ActivationRanges;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.util.Sha256;

/**
 * Builds the int8 form of a float MobileNetV2 this project wrote: decodes calibration images on the
 * reference path (full decode, {@link CalibrationDecoder}), runs the float model over them to find
 * each activation's range ({@link ActivationCalibrator}), and writes the QDQ graph with per-channel
 * int8 weights and bias correction. Decoding and collecting run on {@code threads} threads, but
 * every image is added in the order read, in the same batches: the same model and the same
 * calibration images give the same bytes, whatever the thread count.
 *
 * <p>The stem and the first inverted-residual block stay float ({@link #FLOAT_LAYERS}): in the
 * per-layer study of docs/throughput.md, quantizing the first depthwise conv alone moved the
 * probabilities of the reference photographs more than all other layers together, and the block
 * costs 7 % of the model's multiply-adds.
 */
public final class Int8Quantizer {
    /** Conv layers kept float: MobileNetV2's stem and first block (a prefix of the network). */
    public static final Set<String> FLOAT_LAYERS = Set.of("stem", "block0_depthwise", "block0_project");
    /**
     * Names what this quantizer writes for given inputs: change it whenever the same model and
     * images would give other bytes, so that cached int8 models ({@code core.Int8Cache}) are rebuilt.
     */
    public static final String VERSION = "qdq-2"; // 2: per-channel means summed in four running sums (ChannelMeans)
    /**
     * Images per calibration run: the collected outputs of a batch are held at once, about 24 MB
     * per image of direct memory, for two batches (one collected while the next runs).
     */
    private static final int BATCH = 4;
    /** Images decoded ahead at most: each holds its file and a 0.6 MB tensor. */
    private static final int MAX_AHEAD = 64;

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
     * @param threads threads that decode images and collect values, and ONNX Runtime's for the
     *                calibration runs
     * @throws IllegalArgumentException when the model was not written by this project
     * @throws IllegalStateException    when no calibration image decodes
     */
    public static Result quantize(byte[] fp32, Iterator<byte[]> images, int wanted, CalibrationMethod method,
                                  DecodeLimits limits, int threads) throws OrtException {
        WrittenModel model = WrittenModel.read(fp32);
        int size = model.card().tensorSize();
        FloatBuffer batch = ByteBuffer.allocateDirect(BATCH * size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        MessageDigest digest = Sha256.digest();
        int used = 0;
        int skipped = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), DAEMONS);
        CalibrationDecoder decoded = new CalibrationDecoder(images, wanted, model.card(), limits, pool,
                Math.min(MAX_AHEAD, 2 * BATCH * Math.max(1, threads)));
        try (ActivationCalibrator calibrator = new ActivationCalibrator(model, QdqTensors.of(model.spec(), FLOAT_LAYERS), threads, pool)) {
            int inBatch = 0;
            while (used < wanted && decoded.hasNext()) {
                CalibrationDecoder.Decoded d = decoded.next();
                if (d.tensor() == null) {
                    skipped++;
                    continue;
                }
                batch.put(inBatch * size, d.tensor(), 0, size);
                digest.update(Sha256.digest().digest(d.encoded()));
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
        } finally {
            decoded.cancel();
            pool.shutdownNow();
        }
    }

    /** Calibration threads: daemons, so that a failed calibration never keeps the JVM alive. */
    private static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r, "int8-calibration");
        t.setDaemon(true);
        return t;
    };

    /** The default thread count for calibration: the driver's cores. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
