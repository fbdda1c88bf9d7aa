package org.sparkimage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.sparkimage.bench.Agreement;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;

/**
 * The agreement rules an int8 model must meet against its fp32 model on the same decoded tensors
 * (real ONNX Runtime): no confident top-1 flip and a mean max |dp| of at most 0.02.
 */
public final class Int8Agreement {
    /** A top-1 flip counts as confident when fp32's top two are further apart than this. */
    public static final double CONFIDENT_MARGIN = 0.2;

    private Int8Agreement() {}

    /** Asserts the rules on {@code images} and returns the agreement (its table is printed). */
    public static Agreement assertAgrees(byte[] fp32, byte[] int8, ModelCard card, List<byte[]> images) throws Exception {
        int n = images.size();
        FloatBuffer tensors = ByteBuffer.allocateDirect(n * card.tensorSize() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        Preprocessor pre = new Preprocessor(card);
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, card.preprocess().background());
        for (int i = 0; i < n; i++) pre.write(decoder.decode(images.get(i), ScaleHint.FULL_RESOLUTION).pixels(), tensors, i);
        Map<String, Agreement.Outcome> fp32Rows;
        Map<String, Agreement.Outcome> int8Rows;
        try (OrtEngine f = new OrtEngine(fp32, card, 2); OrtEngine q = new OrtEngine(int8, card, 2)) {
            fp32Rows = outcomes(f.run(tensors, n, false).scores(), n, card);
            int8Rows = outcomes(q.run(tensors, n, false).scores(), n, card);
        }
        Agreement a = Agreement.of(fp32Rows, int8Rows, card.labels(), CONFIDENT_MARGIN);
        System.out.print(a.table());
        assertEquals(n, a.compared());
        assertEquals(0, a.confidentFlips(), "confident top-1 flips");
        assertTrue(a.deltaMean() <= 0.02, "mean max |dp| " + a.deltaMean());
        return a;
    }

    /** The files of a folder, sorted by name, read whole. */
    public static List<byte[]> read(Path dir) throws java.io.IOException {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) out.add(Files.readAllBytes(p));
        }
        return out;
    }

    /** Each image's probabilities, keyed by its index. */
    private static Map<String, Agreement.Outcome> outcomes(float[] scores, int n, ModelCard card) {
        int c = card.numClasses();
        Map<String, Agreement.Outcome> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            double[] p = new double[c];
            for (int j = 0; j < c; j++) p[j] = scores[i * c + j];
            out.put(String.format(Locale.ROOT, "photo-%03d", i), Agreement.Outcome.of(p));
        }
        return out;
    }
}
