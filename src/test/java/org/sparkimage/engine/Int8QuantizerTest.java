package org.sparkimage.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.List;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.bench.Agreement;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.DefaultModel;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.onnx.OnnxGraph;
import org.sparkimage.model.onnx.OnnxModelInfo;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.testing.ReferenceData;

/**
 * The int8 model the product builds from the shipped default model, calibrated on the shipped
 * reference photographs, against the fp32 model on the same decoded tensors (real ONNX Runtime).
 */
class Int8QuantizerTest {
    private static byte[] fp32;
    private static ModelCard card;
    private static List<byte[]> photos;
    private static Int8Quantizer.Result int8;

    @BeforeAll
    static void quantize() throws Exception {
        fp32 = DefaultModel.bytes();
        card = DefaultModel.embeddedCard(fp32);
        photos = Int8Agreement.read(ReferenceData.nsfwDir().resolve("images"));
        int8 = Int8Quantizer.quantize(fp32, photos.iterator(), 256, CalibrationMethod.PERCENTILE, DecodeLimits.DEFAULT, 2);
    }

    @Test
    void agreesWithFp32OnTheShippedPhotographs() throws Exception {
        assertEquals(photos.size(), int8.used(), "every photograph calibrates");
        assertAgrees(photos, int8.model());
    }

    /** The 73 photographs of the full reference set, calibrated on themselves as a job calibrates on its input. */
    @Test
    void agreesWithFp32OnTheFullReferenceSet() throws Exception {
        List<byte[]> full = Int8Agreement.read(ReferenceData.fullNsfwDir().resolve("images"));
        assertEquals(73, full.size());
        byte[] model = Int8Quantizer.quantize(fp32, full.iterator(), 256, CalibrationMethod.PERCENTILE, DecodeLimits.DEFAULT, 2).model();
        assertAgrees(full, model);
    }

    /** Zero confident top-1 flips (fp32 margin over 0.2) and a mean max-over-classes |dp| of at most 0.02. */
    private static void assertAgrees(List<byte[]> images, byte[] int8Model) throws Exception {
        Int8Agreement.assertAgrees(fp32, int8Model, card, images);
    }

    @Test
    void theSameModelAndImagesGiveTheSameBytes() throws Exception {
        Int8Quantizer.Result again = Int8Quantizer.quantize(fp32, photos.iterator(), 256, CalibrationMethod.PERCENTILE,
                DecodeLimits.DEFAULT, 1);
        assertArrayEquals(int8.model(), again.model(), "one thread or two, the same bytes");
        Int8Quantizer.Result other = Int8Quantizer.quantize(fp32, photos.iterator(), 256, CalibrationMethod.MINMAX,
                DecodeLimits.DEFAULT, 2);
        assertTrue(!Arrays.equals(int8.model(), other.model()), "another method, other ranges");
    }

    /**
     * Decoding and collecting run on the pool, with undecodable files among the photographs: the
     * images still go in in read order, in the same batches, so four threads give one's bytes.
     */
    @Test
    void fourThreadsGiveTheBytesOfOneWithFilesSkippedOnTheWay() throws Exception {
        List<byte[]> mixed = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            if (i % 5 == 1) mixed.add(("junk " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            mixed.add(photos.get(i));
        }
        Int8Quantizer.Result one = Int8Quantizer.quantize(fp32, mixed.iterator(), 11, CalibrationMethod.PERCENTILE,
                DecodeLimits.DEFAULT, 1);
        Int8Quantizer.Result four = Int8Quantizer.quantize(fp32, mixed.iterator(), 11, CalibrationMethod.PERCENTILE,
                DecodeLimits.DEFAULT, 4);
        assertEquals(11, one.used());
        assertEquals(2, one.skipped(), "the junk before the 11th photograph");
        assertEquals(one.skipped(), four.skipped());
        assertArrayEquals(one.model(), four.model(), "one thread or four, the same bytes");
    }

    @Test
    void theModelSaysWhatItIsAndHowItWasCalibrated() {
        var meta = OnnxModelInfo.read(int8.model()).metadata();
        assertEquals("int8", meta.get(MobileNetV2OnnxWriter.META_PRECISION));
        String calibration = meta.get(MobileNetV2OnnxWriter.META_CALIBRATION);
        assertTrue(calibration.startsWith("{\"method\":\"percentile\",\"images\":" + photos.size() + ",\"images_sha256\":\""),
                calibration);
        assertEquals(card, DefaultModel.embeddedCard(int8.model()), "the card travels unchanged");
    }

    @Test
    void onnxRuntimeRunsTheConvolutionsOnIntegerKernels(@TempDir Path tmp) throws Exception {
        Path optimized = tmp.resolve("optimized.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            o.setOptimizedModelFilePath(optimized.toString());
            try (OrtSession s = OrtEnvironment.getEnvironment().createSession(int8.model(), o)) {
                assertTrue(s.getInputNames().contains(card.input().name()));
            }
        }
        List<String> ops = OnnxModelInfo.read(Files.readAllBytes(optimized)).opTypes();
        long integer = ops.stream().filter(op -> op.equals("QLinearConv")).count();
        long floating = ops.stream().filter(op -> op.equals("Conv") || op.equals("FusedConv")).count();
        assertEquals(Int8Quantizer.FLOAT_LAYERS.size(), floating, "float convs: " + ops);
        assertEquals(52 - Int8Quantizer.FLOAT_LAYERS.size(), integer, "int8 convs of MobileNetV2's 52: " + ops);
        assertTrue(ops.contains("QLinearAdd"), "residual adds in int8: " + ops);
    }

    @Test
    void aModelThisProjectDidNotWriteIsRefused() {
        OnnxGraph g = new OnnxGraph("opaque");
        g.input("x", 3);
        g.output("y", 3);
        g.node("Relu", "y", "x").add();
        byte[] opaque = g.toModelBytes("someone else", "1", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Int8Quantizer.quantize(opaque,
                photos.iterator(), 8, CalibrationMethod.MINMAX, DecodeLimits.DEFAULT, 1));
        assertTrue(e.getMessage().contains("not written by this project"), e.getMessage());
    }

    @Test
    void noDecodableImageIsAnErrorNotAModel() {
        List<byte[]> junk = List.of(new byte[0], "not an image".getBytes(), new byte[] {(byte) 0xFF, (byte) 0xD8, 0});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Int8Quantizer.quantize(fp32, junk.iterator(), 8,
                CalibrationMethod.MINMAX, DecodeLimits.DEFAULT, 1));
        assertEquals("none of the 3 calibration files decoded", e.getMessage());
    }

    @Test
    void anInt8ModelIsNotQuantizedTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Int8Quantizer.quantize(int8.model(),
                photos.iterator(), 8, CalibrationMethod.MINMAX, DecodeLimits.DEFAULT, 1));
        assertTrue(e.getMessage().contains("already int8"), e.getMessage());
    }


}
