package org.sparkimage.model.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkimage.cli.AdoptOnnxCommand;
import org.sparkimage.cli.ImportPyTorchCommand;
import org.sparkimage.cli.QuantizeCommand;
import org.sparkimage.engine.Int8Agreement;
import org.sparkimage.engine.Int8Quantizer;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.model.ChannelRule;
import org.sparkimage.model.Head;
import org.sparkimage.model.Layer;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.Padding;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.testing.ForkedProcess;
import org.sparkimage.testing.PythonEnv;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestJson;

/**
 * The product against PyTorch itself: MobileNetV2s built in PyTorch from the seed design's own
 * classes and from torchvision's layout ({@code src/test/python}), at every published width and
 * resolutions from 96 to 224, with seeded weights and non-trivial BatchNorm statistics in eval
 * mode. The product imports each saved state_dict (or full training checkpoint) and runs it in
 * ONNX Runtime on the very input tensors PyTorch ran: logits and softmax within 1e-4, same top-1.
 * Skipped, with the reason, where torch cannot be installed ({@link PythonEnv#TORCH}).
 */
class PyTorchParityTest {
    /** layout:width:resolution:classes; both layouts at each width the issue names, resolutions 96..224. */
    static final List<String> CASES = List.of(
            "seed:0.35:96:10", "torchvision:0.35:224:10",
            "seed:0.5:128:7", "torchvision:0.5:160:7",
            "seed:0.75:160:5", "torchvision:0.75:96:5",
            "seed:1.0:192:1000", "torchvision:1.0:128:3",
            "seed:1.4:224:4", "torchvision:1.4:192:4");
    static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;

    /** Cases also exported with torch.onnx's dynamo exporter (slow: ~8 s a model), one of each layout. */
    static final List<String> DYNAMO_CASES = List.of(CASES.get(0), CASES.get(7));

    /** Two Python processes, one per core: the dynamo-exported cases and the rest. */
    @BeforeAll
    static void buildInPyTorch() throws Exception {
        PythonEnv.TORCH.pythonOrSkip();
        String script = ForkedProcess.repoRoot().resolve("src/test/python/pytorch_reference.py").toString();
        List<String> dynamo = new ArrayList<>(List.of(script, "--out", dir.toString()));
        if (PythonEnv.TORCH.has("onnxscript")) dynamo.add("--dynamo");
        dynamo.addAll(DYNAMO_CASES);
        List<String> rest = new ArrayList<>(List.of(script, "--out", dir.toString(), "--param-table", "0.35,0.5,0.75,1.0,1.3,1.4"));
        rest.addAll(CASES.stream().filter(c -> !DYNAMO_CASES.contains(c)).toList());
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> python(dynamo, "dynamo.log"));
        python(rest, "rest.log");
        first.join();
    }

    private static String python(List<String> args, String log) {
        try {
            return PythonEnv.TORCH.run(dir.resolve(log), Duration.ofMinutes(10), args);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> cases() {
        return CASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anImportedCheckpointComputesWhatPyTorchComputes(String c) throws Exception {
        Path caseDir = caseDir(c);
        Map<?, ?> meta = caseJson(c);
        // Half the cases import the bare state_dict, half the full training checkpoint around it.
        String file = CASES.indexOf(c) % 2 == 0 ? "state_dict.pt" : "checkpoint.pt";
        Path onnx = dir.resolve(c.replace(':', '-') + ".onnx");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int rc = ImportPyTorchCommand.execute(new PrintStream(console, true, StandardCharsets.UTF_8),
                caseDir.resolve(file).toString(), "--output", onnx.toString(), "--resolution", String.valueOf(((Number) meta.get("resolution")).intValue()));
        String out = console.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        String layout = (String) meta.get("layout");
        assertTrue(out.contains(layout + " layout"), out);
        assertTrue(out.contains(file.equals("state_dict.pt") ? "(state_dict)" : "(checkpoint['state_dict'])"), out);

        WrittenModel model = WrittenModel.read(Files.readAllBytes(onnx));
        MobileNetV2Spec spec = model.spec();
        assertEquals(((Number) meta.get("params")).longValue(), spec.params(), "parameters, as PyTorch counts them");
        assertEquals(meta.get("conv_channels"), convChannels(spec), "every conv's channels");
        assertEquals(layout.equals("seed") ? ChannelRule.SEED : ChannelRule.DIVISIBLE8, spec.channels());
        assertMatchesPyTorch(Files.readAllBytes(onnx), c);
    }

    /** The same models exported by torch.onnx (both exporters where onnxscript is installed), adopted by the product. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anAdoptedExportComputesWhatPyTorchComputes(String c) throws Exception {
        Map<?, ?> meta = caseJson(c);
        List<String> exports = new ArrayList<>(List.of("model.onnx"));
        if (Files.exists(caseDir(c).resolve("model-dynamo.onnx"))) exports.add("model-dynamo.onnx");
        for (String export : exports) {
            Path onnx = dir.resolve(c.replace(':', '-') + "-" + export.replace(".onnx", "") + "-adopted.onnx");
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            int rc = AdoptOnnxCommand.execute(new PrintStream(console, true, StandardCharsets.UTF_8),
                    caseDir(c).resolve(export).toString(), "--output", onnx.toString());
            assertEquals(0, rc, export + ": " + console.toString(StandardCharsets.UTF_8));
            MobileNetV2Spec spec = WrittenModel.read(Files.readAllBytes(onnx)).spec();
            assertEquals(meta.get("conv_channels"), convChannels(spec), export + ": every conv's channels");
            assertEquals(((Number) meta.get("params")).longValue(), spec.params(), export);
            assertMatchesPyTorch(Files.readAllBytes(onnx), c);
        }
    }

    /**
     * int8 of an imported model meets the agreement rules against its fp32 form on the shipped
     * photographs; the exported file of the same model, which the product did not write, is
     * quantized by {@code model.sh quantize} after adopting its graph, to the same rules.
     */
    @Test
    void int8OfAnImportedModelAgreesWithItsFp32() throws Exception {
        String c = "torchvision:1.0:128:3";
        Path fp32 = dir.resolve("int8-fp32.onnx");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        assertEquals(0, ImportPyTorchCommand.execute(out, caseDir(c).resolve("state_dict.pt").toString(), "--output",
                fp32.toString(), "--resolution", "128", "--classes", "a,b,c"), console.toString(StandardCharsets.UTF_8));
        byte[] fp32Bytes = Files.readAllBytes(fp32);
        ModelCard card = WrittenModel.read(fp32Bytes).card();
        List<byte[]> photos = Int8Agreement.read(ReferenceData.nsfwDir().resolve("images"));
        Int8Quantizer.Result int8 = Int8Quantizer.quantize(fp32Bytes, photos.iterator(), 256, CalibrationMethod.PERCENTILE,
                DecodeLimits.DEFAULT, 2);
        Int8Agreement.assertAgrees(fp32Bytes, int8.model(), card, photos);

        Path cardFile = dir.resolve("export.card.json");
        Files.writeString(cardFile, card.toJson());
        Path quantized = dir.resolve("export-int8.onnx");
        console.reset();
        int rc = QuantizeCommand.execute(out, "--model", caseDir(c).resolve("model.onnx").toString(), "--model-card",
                cardFile.toString(), "--calibration", ReferenceData.nsfwDir().resolve("images").toString(), "--output",
                quantized.toString());
        String log = console.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, log);
        assertTrue(log.contains("adopted and re-written by this project"), log);
        Int8Agreement.assertAgrees(fp32Bytes, Files.readAllBytes(quantized), card, photos);
    }

    @Test
    void theVariantTableIsPyTorchs() throws Exception {
        List<?> rows = (List<?>) TestJson.parse(Files.readString(dir.resolve("param-table.json")));
        assertEquals(12, rows.size());
        for (Object o : rows) {
            Map<?, ?> row = (Map<?, ?>) o;
            ChannelRule rule = row.get("layout").equals("seed") ? ChannelRule.SEED : ChannelRule.DIVISIBLE8;
            MobileNetV2Spec spec = new MobileNetV2Spec(((Number) row.get("width")).doubleValue(), 224, Head.classifier(1000),
                    Padding.SYMMETRIC, rule);
            assertEquals(((Number) row.get("params")).longValue(), spec.params(), row.toString());
            assertEquals(row.get("conv_channels"), convChannels(spec), row.toString());
        }
    }

    /** The product's model on PyTorch's input tensors gives PyTorch's logits and softmax, and its top-1. */
    static void assertMatchesPyTorch(byte[] onnx, String c) throws Exception {
        Path caseDir = caseDir(c);
        Map<?, ?> meta = caseJson(c);
        int batch = ((Number) meta.get("batch")).intValue();
        int res = ((Number) meta.get("resolution")).intValue();
        int classes = ((Number) meta.get("classes")).intValue();
        float[] input = floats(caseDir.resolve("input.bin"));
        float[] logitsRef = floats(caseDir.resolve("logits.bin"));
        float[] probsRef = floats(caseDir.resolve("probs.bin"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            try (OrtSession s = env.createSession(onnx, opts);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {batch, 3, res, res});
                 OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), x))) {
                float[][] logits = (float[][]) r.get(0).getValue();
                double maxLogit = 0;
                double maxProb = 0;
                for (int n = 0; n < batch; n++) {
                    double[] p = softmax(logits[n]);
                    int top = 0;
                    int topRef = 0;
                    for (int k = 0; k < classes; k++) {
                        maxLogit = Math.max(maxLogit, Math.abs(logits[n][k] - logitsRef[n * classes + k]));
                        maxProb = Math.max(maxProb, Math.abs(p[k] - probsRef[n * classes + k]));
                        if (logits[n][k] > logits[n][top]) top = k;
                        if (logitsRef[n * classes + k] > logitsRef[n * classes + topRef]) topRef = k;
                    }
                    assertEquals(topRef, top, c + ": top-1 of image " + n);
                }
                System.out.printf("%s: max |dlogit| %.2e, max |dp| %.2e%n", c, maxLogit, maxProb);
                assertTrue(maxLogit <= TOLERANCE, c + ": max |dlogit| " + maxLogit);
                assertTrue(maxProb <= TOLERANCE, c + ": max |dp| " + maxProb);
            }
        }
    }

    static Path caseDir(String c) {
        return dir.resolve(c.replace(':', '-'));
    }

    static Map<?, ?> caseJson(String c) throws Exception {
        return (Map<?, ?>) TestJson.parse(Files.readString(caseDir(c).resolve("case.json")));
    }

    /** Output channels of every conv in order, as the JSON of {@code Conv2d.out_channels} reads back. */
    static List<Double> convChannels(MobileNetV2Spec spec) {
        return spec.layers().stream().filter(l -> l.kind() == Layer.Kind.CONV).map(l -> (double) l.out().channels()).toList();
    }

    static float[] floats(Path file) throws Exception {
        FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }
}
