package org.sparkimage.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ImportPyTorchCommand;
import org.sparkimage.model.BatchNorm;
import org.sparkimage.model.ChannelRule;
import org.sparkimage.model.Head;
import org.sparkimage.model.Layer;
import org.sparkimage.model.LayerWeights;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.Padding;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.onnx.OnnxModelInfo;

/**
 * {@code scripts/model.sh import-pytorch} on state_dicts written in Java (no Python needed): what a
 * good one becomes, and a clear message with exit 5 (2 for usage) for each broken or hostile one.
 * The values against PyTorch itself are {@link PyTorchParityTest}'s.
 */
class ImportPyTorchCommandTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String console) {}

    private Run run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = ImportPyTorchCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
        return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    }

    private static MobileNetV2Spec spec(double width, int classes, ChannelRule rule) {
        return new MobileNetV2Spec(width, 96, Head.classifier(classes), Padding.SYMMETRIC, rule);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Run importFile(Path file, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = file.toString();
        args[1] = "--output";
        args[2] = tmp.resolve("out.onnx").toString();
        System.arraycopy(more, 0, args, 3, more.length);
        return run(args);
    }

    @Test
    void aTorchvisionStateDictBecomesTheProductsModelWithItsCard() throws Exception {
        MobileNetV2Spec spec = spec(0.35, 4, ChannelRule.DIVISIBLE8);
        MobileNetV2StateDict dict = new MobileNetV2StateDict(spec, PyTorchLayout.TORCHVISION, 3);
        Path file = write("tv.pth", dict.bytes());
        Run r = importFile(file, "--resolution", "96", "--classes", "cat,dog,fox,owl", "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25");
        assertEquals(0, r.exit(), r.console());
        assertTrue(r.console().contains("tv.pth: torchvision layout (state_dict), mobilenetv2-0.35-96-c4"), r.console());
        byte[] onnx = Files.readAllBytes(tmp.resolve("out.onnx"));
        WrittenModel model = WrittenModel.read(onnx);
        assertEquals(spec, model.spec());
        assertEquals(List.of("cat", "dog", "fox", "owl"), model.card().labels());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, model.card().preprocess().mean());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, model.card().preprocess().std());
        assertEquals("tv", model.card().name());
        assertTrue(model.card().source().contains("torchvision layout"), model.card().source());
        Map<String, String> meta = OnnxModelInfo.read(onnx).metadata();
        assertEquals("torchvision", meta.get("source_layout"));
        assertEquals("state_dict", meta.get("source_state_dict"));
        assertEquals(64, meta.get("source_checkpoint_sha256").length());
        // block 3's depthwise conv: torchvision's features.4.conv.1.0 with its BatchNorm features.4.conv.1.1, folded
        Layer dw = spec.layers().stream().filter(l -> l.name().equals("block3_depthwise")).findFirst().orElseThrow();
        BatchNorm bn = new BatchNorm(values(dict, "features.4.conv.1.1.weight"), values(dict, "features.4.conv.1.1.bias"),
                values(dict, "features.4.conv.1.1.running_mean"), values(dict, "features.4.conv.1.1.running_var"), 1e-5);
        LayerWeights expected = bn.foldInto(values(dict, "features.4.conv.1.0.weight"));
        assertArrayEquals(expected.weight(), model.weights().conv(dw).weight());
        assertArrayEquals(expected.bias(), model.weights().conv(dw).bias());
    }

    @Test
    void theSeedDesignsLayoutAndOddChannelsAreFoundWithoutBeingTold() throws Exception {
        MobileNetV2Spec spec = spec(0.35, 3, ChannelRule.SEED);
        Path file = write("seed.pt", new MobileNetV2StateDict(spec, PyTorchLayout.SEED, 5).bytes());
        Run r = importFile(file, "--resolution", "96");
        assertEquals(0, r.exit(), r.console());
        assertTrue(r.console().contains("seed layout (state_dict), mobilenetv2-0.35-96-c3-seed"), r.console());
        MobileNetV2Spec read = WrittenModel.read(Files.readAllBytes(tmp.resolve("out.onnx"))).spec();
        assertEquals(spec, read);
        assertTrue(read.layers().stream().anyMatch(l -> l.out().channels() == 33), "width 0.35 seed channels include 33");
    }

    @Test
    void aMissingKeyAWrongShapeAndALeftoverKeyAreRefusedByName() throws Exception {
        MobileNetV2Spec spec = spec(0.5, 2, ChannelRule.DIVISIBLE8);
        MobileNetV2StateDict missing = new MobileNetV2StateDict(spec, PyTorchLayout.TORCHVISION, 1);
        missing.tensors.remove("features.5.conv.1.0.weight");
        Run r = importFile(write("missing.pt", missing.bytes()));
        assertEquals(5, r.exit(), r.console());
        assertTrue(r.console().contains("key features.5.conv.1.0.weight is missing"), r.console());

        MobileNetV2StateDict shape = new MobileNetV2StateDict(spec, PyTorchLayout.TORCHVISION, 1);
        shape.tensors.put("features.7.conv.3.running_var", new MobileNetV2StateDict.Tensor(new long[] {7}, new float[7]));
        r = importFile(write("shape.pt", shape.bytes()));
        assertEquals(5, r.exit(), r.console());
        assertTrue(r.console().contains("features.7.conv.3.running_var has shape [7]"), r.console());

        MobileNetV2StateDict extra = new MobileNetV2StateDict(spec, PyTorchLayout.TORCHVISION, 1);
        extra.tensors.put("features.19.weight", new MobileNetV2StateDict.Tensor(new long[] {2}, new float[2]));
        r = importFile(write("extra.pt", extra.bytes()));
        assertEquals(5, r.exit(), r.console());
        assertTrue(r.console().contains("key(s) a mobilenetv2-0.5-224-c2 does not: [features.19.weight]"), r.console());
        assertFalse(Files.exists(tmp.resolve("out.onnx")), "nothing is written for a refused checkpoint");
    }

    @Test
    void aWrongWidthOrVariantIsRefusedWithWhatDiffers() throws Exception {
        Path file = write("w.pt", new MobileNetV2StateDict(spec(0.5, 2, ChannelRule.DIVISIBLE8), PyTorchLayout.TORCHVISION, 1).bytes());
        Run r = importFile(file, "--width", "0.75");
        assertEquals(5, r.exit(), r.console());
        assertTrue(r.console().contains("not a width-0.75 torchvision MobileNetV2: features.0.0.weight has shape [16, 3, 3, 3]"),
                r.console());
        r = importFile(file, "--variant", "seed");
        assertEquals(5, r.exit(), r.console());
        assertTrue(r.console().contains("--variant seed was given, but the keys are torchvision's"), r.console());
    }

    @Test
    void hostileAndBrokenFilesGetExitFiveAndAReason() throws Exception {
        byte[] good = new MobileNetV2StateDict(spec(0.35, 2, ChannelRule.DIVISIBLE8), PyTorchLayout.TORCHVISION, 1).bytes();
        byte[] osSystem = CheckpointZip.of(new PickleBuilder().proto(2).global("os", "system").unicode("echo pwned").raw(0x85)
                .reduce().stop().bytes()).bytes();
        byte[] huge = CheckpointZip.of(new PickleBuilder().proto(2).orderedDict().mark().unicode("w")
                .tensor("FloatStorage", "0", 1L << 40, 0, new long[] {1L << 20, 1L << 20}, new long[] {1L << 20, 1})
                .setItems().stop().bytes()).floats("0", 1f).bytes();
        byte[] shortStorage = CheckpointZip.of(new PickleBuilder().proto(2).orderedDict().mark().unicode("w")
                .tensor("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).setItems().stop().bytes()).floats("0", 1f, 2f).bytes();
        Map<String, byte[]> files = Map.of(
                "os-system.pt", osSystem,
                "truncated.pt", Arrays.copyOf(good, good.length / 2),
                "huge.pt", huge,
                "short-storage.pt", shortStorage,
                "text.pt", "not a checkpoint".getBytes(StandardCharsets.UTF_8));
        Map<String, String> reasons = Map.of(
                "os-system.pt", "os.system",
                "truncated.pt", "zip",
                "huge.pt", "w",
                "short-storage.pt", "w",
                "text.pt", "zip");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Run r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> importFile(write(f.getKey(), f.getValue())),
                    f.getKey() + " hangs"); // a hang guard, not a speed measurement
            assertEquals(5, r.exit(), f.getKey() + ": " + r.console());
            assertTrue(r.console().startsWith("import-pytorch: "), f.getKey() + ": " + r.console());
            assertTrue(r.console().contains(reasons.get(f.getKey())), f.getKey() + ": " + r.console());
            assertFalse(r.console().contains("Exception"), f.getKey() + " reads as a message, not a stack trace: " + r.console());
            System.out.println(f.getKey() + " -> " + r.console().strip());
        }
        Run none = importFile(tmp.resolve("nowhere.pt"));
        assertEquals(5, none.exit(), none.console());
        assertTrue(none.console().contains("no such file"), none.console());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Path file = write("u.pt", new MobileNetV2StateDict(spec(0.35, 2, ChannelRule.DIVISIBLE8), PyTorchLayout.TORCHVISION, 1).bytes());
        assertEquals(2, run(file.toString()).exit(), "--output is required");
        Run r = importFile(file, "--classes", "a,b,c");
        assertEquals(2, r.exit(), r.console());
        assertTrue(r.console().contains("--classes names 3 classes, the checkpoint's classifier has 2"), r.console());
        r = importFile(file, "--mean", "0.5,0.5");
        assertEquals(2, r.exit(), r.console());
    }

    private static float[] values(MobileNetV2StateDict dict, String key) {
        return dict.tensors.get(key).values();
    }
}
