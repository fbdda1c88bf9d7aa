package org.sparkimage.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkimage.testing.FuzzBounds;
import org.sparkimage.util.JsonFiles;

/**
 * Real files written by torch 2.13 ({@code make-checkpoints.py} next to them, values in
 * {@code expected.json}) read value for value; then hostile files built here byte by byte, each
 * refused with a message that says what is wrong.
 */
class TorchCheckpointTest {
    private static final long[] ROW = {3, 1};
    private static final long[] SIZE_2x3 = {2, 3};

    @TempDir
    Path tmp;

    // ---- real torch.save files ----

    @ParameterizedTest
    @ValueSource(strings = {"conv-bn.pt", "checkpoint.pt", "half.pt", "dataparallel.pt", "mixed-protocol4.pt"})
    void readsRealCheckpointsExactly(String file) throws Exception {
        JsonNode expected = JsonFiles.parse(Files.readString(resource("expected.json"))).get(file);
        try (StateDict sd = TorchCheckpoint.read(resource(file))) {
            assertEquals(expected.get("origin").asText(), sd.origin());
            List<String> keys = new ArrayList<>();
            expected.get("keys").forEach(k -> keys.add(k.asText()));
            assertEquals(keys, sd.keys());
            for (String key : keys) assertTensor(expected.get("tensors").get(key), sd.get(key), key);
            assertNull(sd.get("no.such.key"));
        }
    }

    private static void assertTensor(JsonNode expected, TorchTensor t, String key) throws IOException {
        assertEquals(key, t.name());
        assertEquals(expected.get("dtype").asText(), t.dtype(), key);
        int[] shape = new int[expected.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = expected.get("shape").get(i).asInt();
        assertArrayEquals(shape, t.shape(), key);
        assertEquals(expected.get("values").size(), t.numel(), key);
        if (t.dtype().startsWith("float") || t.dtype().equals("bfloat16")) {
            float[] want = new float[expected.get("values").size()];
            Iterator<JsonNode> it = expected.get("values").elements();
            for (int i = 0; i < want.length; i++) want[i] = (float) it.next().asDouble();
            assertArrayEquals(want, t.floats(), key); // exact: no tolerance
        } else {
            CheckpointException e = assertThrows(CheckpointException.class, t::floats, key);
            assertEquals("tensor '" + key + "' holds " + t.dtype() + " values; only floating-point tensors convert to floats",
                    e.getMessage());
        }
    }

    @Test
    void stridedAndOffsetViewsAreGathered() throws Exception {
        try (StateDict sd = TorchCheckpoint.read(resource("mixed-protocol4.pt"))) {
            // base = randn(4, 3); transposed = base.t() (3x4, strides (1, 3)); offset_row = base[2].
            float[] t = sd.get("transposed").floats();
            float[] row = sd.get("offset_row").floats();
            assertArrayEquals(new int[] {3, 4}, sd.get("transposed").shape());
            for (int j = 0; j < 3; j++) assertEquals(row[j], t[j * 4 + 2], "transposed[j][2] == base[2][j]");
            assertFalse(TensorValues.isContiguous(refOf(sd, "transposed")));
        }
    }

    @Test
    void checkpointDictListsWhatItHolds() throws Exception {
        try (StateDict sd = TorchCheckpoint.read(resource("checkpoint.pt"))) {
            assertEquals("checkpoint['state_dict']", sd.origin());
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                    "1.num_batches_tracked"), sd.keys());
            assertEquals("int64", sd.get("1.num_batches_tracked").dtype());
            assertEquals(0, sd.get("1.num_batches_tracked").shape().length);
        }
    }

    @Test
    void readsValuesLazilyAndFailsAfterClose() throws Exception {
        StateDict sd = TorchCheckpoint.read(resource("conv-bn.pt"));
        TorchTensor w = sd.get("0.weight");
        sd.close();
        assertThrows(IllegalStateException.class, w::floats);
    }

    @Test
    void refusesRealLegacyFormat() {
        assertRefused(resource("legacy.pt"), "legacy torch.save format (PyTorch before 1.6, or"
                + " _use_new_zipfile_serialization=False) is not supported: load it in a current PyTorch and save it"
                + " again with torch.save(model.state_dict(), path)");
    }

    @Test
    void refusesRealTorchScript() {
        assertRefused(resource("torchscript.pt"), "TorchScript archive (torch.jit.save): it holds a compiled model,"
                + " not a state_dict; load it in PyTorch and save model.state_dict() with torch.save");
    }

    @Test
    void refusesRealWholeModelPickle() {
        assertRefused(resource("whole-model.pt"), "refusing checkpoint: data.pkl names the global"
                + " 'torch.nn.modules.container.Sequential'; only a state_dict (tensors in dicts) can be read — save it"
                + " with torch.save(model.state_dict(), path)");
    }

    // ---- hostile globals ----

    @ParameterizedTest
    @CsvSource({"os,system", "posix,system", "builtins,eval", "__builtin__,eval", "__main__,MobileNetV2",
        "torchvision.models.mobilenetv2,MobileNetV2", "argparse,Namespace", "torch,load", "torch._utils,_rebuild_qtensor",
        "collections,defaultdict", "torch,float32"})
    void refusesEveryOtherGlobal(String module, String name) throws IOException {
        String message = "refusing checkpoint: data.pkl names the global '" + module + "." + name + "'; only a"
                + " state_dict (tensors in dicts) can be read — save it with torch.save(model.state_dict(), path)";
        Path marker = tmp.resolve("pwned");
        byte[] call = new PickleBuilder().proto(2).global(module, name).mark().unicode("touch " + marker).tuple()
                .reduce().stop().bytes();
        assertRefused(write(CheckpointZip.of(call)), message);
        byte[] stacked = new PickleBuilder().proto(4).stackGlobal(module, name).mark().unicode("touch " + marker)
                .tuple().reduce().stop().bytes();
        assertRefused(write(CheckpointZip.of(stacked)), message);
        assertFalse(Files.exists(marker));
    }

    @Test
    void refusesGlobalInsideAnOtherwiseValidStateDict() throws IOException {
        // A real-looking state_dict with the payload as the value of a second key.
        byte[] pickle = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("w").tensor("FloatStorage", "0", 6, 0, SIZE_2x3, ROW)
                .unicode("x").global("os", "system").mark().unicode("id").tuple().reduce()
                .setItems().stop().bytes();
        assertRefused(write(CheckpointZip.of(pickle).floats("0", 1, 2, 3, 4, 5, 6)),
                "refusing checkpoint: data.pkl names the global 'os.system'; only a state_dict (tensors in dicts)"
                        + " can be read — save it with torch.save(model.state_dict(), path)");
    }

    @Test
    void refusesObjectBuildingOpcodes() throws IOException {
        byte[] newobj = new PickleBuilder().proto(2).global("collections", "OrderedDict").emptyTuple().raw(0x81)
                .stop().bytes();
        assertRefused(write(CheckpointZip.of(newobj)), "data.pkl uses pickle opcode 0x81 (NEWOBJ) at byte 28, which"
                + " this reader does not support: a state_dict needs only plain data and tensors");
        byte[] inst = new PickleBuilder().proto(2).mark().raw(new byte[] {'i'}).raw("os\nsystem\n".getBytes(
                StandardCharsets.US_ASCII)).stop().bytes();
        assertRefused(write(CheckpointZip.of(inst)), "data.pkl uses pickle opcode 0x69 (INST) at byte 3, which this"
                + " reader does not support: a state_dict needs only plain data and tensors");
    }

    @Test
    void refusesUnknownOpcode() throws IOException {
        byte[] pickle = new PickleBuilder().proto(2).emptyDict().raw(0xff).stop().bytes();
        assertRefused(write(CheckpointZip.of(pickle)), "data.pkl has 0xff (not a pickle opcode) at byte 3: not a pickle"
                + " opcode (a damaged file?)");
    }

    // ---- broken files ----

    @Test
    void refusesNotAZip() throws IOException {
        assertRefused(write("hello, world\n".getBytes(StandardCharsets.US_ASCII)),
                "not a PyTorch checkpoint: a torch.save file is a zip archive, this one is not (13 bytes)");
        assertRefused(write(new byte[0]), "not a PyTorch checkpoint: the file is empty");
    }

    @Test
    void refusesLegacyPickleStream() throws IOException {
        // PROTO 2, LONG1 of torch's magic number 0x1950a86a20f9469cfc6c: what the legacy format starts with.
        byte[] legacy = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20,
            0x6a, (byte) 0xa8, 0x50, 0x19, '.'};
        assertRefused(write(legacy), "legacy torch.save format");
    }

    @ParameterizedTest
    @ValueSource(ints = {22, 1000, 3000, 3590})
    void refusesTruncatedZip(int keep) throws IOException {
        byte[] full = Files.readAllBytes(resource("conv-bn.pt"));
        assertRefused(write(Arrays.copyOf(full, keep)), "not a readable PyTorch checkpoint: the zip archive is damaged"
                + " or truncated (");
    }

    @Test
    void refusesTorchScriptLayout() throws IOException {
        byte[] pickle = new PickleBuilder().proto(2).emptyDict().stop().bytes();
        assertRefused(write(CheckpointZip.of(pickle).record("archive/constants.pkl", pickle)), "TorchScript archive");
        assertRefused(write(CheckpointZip.of(pickle).record("archive/code/__torch__/m.py", new byte[1])),
                "TorchScript archive");
    }

    @Test
    void refusesZipWithoutDataPkl() throws IOException {
        assertRefused(write(new CheckpointZip().record("archive/readme.txt", new byte[3]).bytes()),
                "not a torch.save checkpoint: the zip has no data.pkl");
        assertRefused(write(new CheckpointZip().record("data.pkl", new byte[3]).bytes()),
                "not a torch.save checkpoint: zip record 'data.pkl' is not inside the archive's top folder");
    }

    // ---- tensors that do not fit their storage ----

    @Test
    void refusesStorageShorterThanItsTensor() throws IOException {
        // size (2, 3) at offset 1 reaches element 6 of a 6-element storage.
        assertRefused(write(oneTensor(6, 1, SIZE_2x3, ROW).floats("0", 1, 2, 3, 4, 5, 6)),
                "storage shorter than its tensor: tensor 'w' reaches element 6 of storage '0', which has 6 elements");
        // The pickle declares 6 floats, the record holds 5.
        assertRefused(write(oneTensor(6, 0, SIZE_2x3, ROW).floats("0", 1, 2, 3, 4, 5)),
                "storage shorter than its tensor: tensor 'w' uses storage '0' of 6 float32 elements, but its record"
                        + " holds only 20 bytes");
    }

    @Test
    void refusesHugeDeclaredSizesQuicklyWithoutAllocating() throws IOException {
        long twoPow31 = 1L << 31;
        Path beyondInt = write(oneTensor(twoPow31 * twoPow31, 0, new long[] {twoPow31, twoPow31}, new long[] {twoPow31, 1})
                .floats("0", 1, 2));
        assertRefusedCheaply(beyondInt, "data.pkl declares a tensor in storage '0' with dimension 0 of 2147483648"
                + " elements, beyond what one dimension can hold (2147483647)");
        long big = (1L << 31) - 1;
        Path beyondFile = write(oneTensor(big * big, 0, new long[] {big, big}, new long[] {big, 1}).floats("0", 1, 2));
        assertRefusedCheaply(beyondFile, "storage shorter than its tensor: tensor 'w' uses storage '0' of "
                + big * big + " float32 elements, but its record holds only 8 bytes");
        Path overflow = write(oneTensor(6, 0, new long[] {big, big, big}, new long[] {1, 1, 1}).floats("0", 1, 2));
        assertRefusedCheaply(overflow, "data.pkl declares a tensor in storage '0' whose element count overflows a 64-bit"
                + " integer");
        Path strideOverflow = write(oneTensor(6, 0, new long[] {3}, new long[] {Long.MAX_VALUE / 2 + 1}).floats("0", 1));
        assertRefusedCheaply(strideOverflow, "data.pkl declares a tensor in storage '0' whose offset and strides overflow"
                + " a 64-bit integer");
        byte[] hugeString = new PickleBuilder().proto(2).raw('X').raw(new byte[] {-1, -1, -1, -1}).stop().bytes();
        assertRefusedCheaply(write(CheckpointZip.of(hugeString)), "data.pkl is truncated: it ends inside the opcode"
                + " before byte 8");
    }

    @Test
    void refusesNegativeNumbers() throws IOException {
        assertRefused(write(oneTensor(6, 0, new long[] {-2, 3}, ROW).floats("0", 1, 2, 3, 4, 5, 6)),
                "data.pkl declares dimension 0 of a tensor in storage '0' as -2: negative");
        assertRefused(write(oneTensor(6, 0, SIZE_2x3, new long[] {-3, 1}).floats("0", 1, 2, 3, 4, 5, 6)),
                "data.pkl declares stride 0 of a tensor in storage '0' as -3: negative");
        assertRefused(write(oneTensor(6, -1, SIZE_2x3, ROW).floats("0", 1, 2, 3, 4, 5, 6)),
                "data.pkl declares a tensor offset in storage '0' as -1: negative");
        assertRefused(write(oneTensor(-6, 0, SIZE_2x3, ROW).floats("0", 1, 2, 3, 4, 5, 6)),
                "data.pkl declares the element count of storage '0' as -6: negative");
    }

    @Test
    void refusesExpandedViews() throws IOException {
        assertRefused(write(oneTensor(1, 0, new long[] {4, 4}, new long[] {0, 0}).floats("0", 7)),
                "tensor 'w' has 16 elements but its storage only 1: expanded (stride-0) views are not supported");
    }

    @Test
    void refusesMissingAndCompressedStorage() throws IOException {
        assertRefused(write(oneTensor(6, 0, SIZE_2x3, ROW).floats("1", 1, 2, 3, 4, 5, 6)),
                "storage record 'archive/data/0' is missing");
        assertRefused(write(oneTensor(6, 0, SIZE_2x3, ROW).floats("0", 1, 2, 3, 4, 5, 6).deflate("archive/data/0")),
                "storage record 'archive/data/0' is compressed; torch.save stores them uncompressed, so the file was"
                        + " re-packed: save it again with torch.save");
    }

    @Test
    void refusesStorageKeysThatAreNotRecordNames() throws IOException {
        byte[] pickle = new PickleBuilder().proto(2).emptyDict().unicode("w")
                .tensor("FloatStorage", "../../etc/passwd", 1, 0, new long[] {1}, new long[] {1}).setItem().stop().bytes();
        assertRefused(write(CheckpointZip.of(pickle)), "data.pkl names a storage record '../../etc/passwd'; torch names"
                + " them with numbers");
    }

    // ---- pickle structure ----

    @Test
    void refusesDeepNesting() throws IOException {
        PickleBuilder deep = new PickleBuilder().proto(2);
        for (int i = 0; i < 5000; i++) deep.mark();
        assertRefused(write(CheckpointZip.of(deep.stop().bytes())), "data.pkl nests deeper than 1000 levels");
        // Nesting by TUPLE1 builds no MARKs and needs no recursion: 100000 levels read, then refused as no dict.
        PickleBuilder tuples = new PickleBuilder().proto(2).emptyTuple();
        for (int i = 0; i < 100_000; i++) tuples.raw(0x85);
        assertRefused(write(CheckpointZip.of(tuples.stop().bytes())), "data.pkl holds a tuple, not a dict of tensors;"
                + " save the model with torch.save(model.state_dict(), path)");
    }

    @Test
    void cyclesDoNotHang() throws IOException {
        // l = []; l.append(l); d = {}; d['l'] = l; d[l] = 1 -> the list key is refused, not hashed.
        byte[] pickle = new PickleBuilder().proto(2).emptyList().raw('q').raw(0).raw('h').raw(0).raw('a')
                .emptyDict().raw('q').raw(1).unicode("l").raw('h').raw(0).setItem()
                .raw('h').raw(0).integer(1).setItem().stop().bytes();
        assertRefused(write(CheckpointZip.of(pickle)), "data.pkl uses a list as a dict key or set item; only strings,"
                + " numbers and short tuples of them are supported");
    }

    @Test
    void refusesMalformedPickles() throws IOException {
        assertRefused(write(CheckpointZip.of(new PickleBuilder().proto(2).raw('h').raw(3).stop().bytes())),
                "data.pkl is malformed at byte 2: memo entry 3 is read before it is written");
        assertRefused(write(CheckpointZip.of(new PickleBuilder().proto(2).emptyDict().bytes())),
                "data.pkl is malformed at byte 3: it ends without a STOP opcode (truncated?)");
        assertRefused(write(CheckpointZip.of(new PickleBuilder().proto(2).setItems().stop().bytes())),
                "data.pkl is malformed at byte 2: an opcode needs a MARK and there is none");
        assertRefused(write(CheckpointZip.of(new PickleBuilder().proto(6).stop().bytes())),
                "data.pkl uses pickle protocol 6; this reader knows 0 to 5");
    }

    @Test
    void findsStateDictInCheckpointOrListsKeys() throws IOException {
        byte[] noModel = new PickleBuilder().proto(2).emptyDict().mark().unicode("epoch").integer(3)
                .unicode("optimizer").emptyDict().unicode("model").emptyDict().setItems().stop().bytes();
        assertRefused(write(CheckpointZip.of(noModel)), "found no state_dict: data.pkl holds a dict with keys ['epoch',"
                + " 'optimizer', 'model'], which is not a dict of tensors, and none of [state_dict, model_state_dict,"
                + " model, net, state_dict_ema] holds one");
        // 'model' is not a dict of tensors, 'net' is: the first key that holds one wins.
        byte[] net = new PickleBuilder().proto(2).emptyDict().mark().unicode("model").integer(1).unicode("net")
                .emptyDict().unicode("module.w").tensor("FloatStorage", "0", 6, 0, SIZE_2x3, ROW).setItem()
                .setItems().stop().bytes();
        try (StateDict sd = TorchCheckpoint.read(write(CheckpointZip.of(net).floats("0", 1, 2, 3, 4, 5, 6)))) {
            assertEquals("checkpoint['net']", sd.origin());
            assertEquals(List.of("w"), sd.keys());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, sd.get("w").floats());
        }
    }

    @Test
    void stripsModulePrefixOnlyWhenEveryKeyHasIt() throws IOException {
        byte[] pickle = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("module.a").tensor("FloatStorage", "0", 6, 0, SIZE_2x3, ROW)
                .unicode("b").tensor("FloatStorage", "0", 6, 0, new long[] {6}, new long[] {1})
                .setItems().stop().bytes();
        try (StateDict sd = TorchCheckpoint.read(write(CheckpointZip.of(pickle).floats("0", 1, 2, 3, 4, 5, 6)))) {
            assertEquals(List.of("module.a", "b"), sd.keys());
        }
    }

    @Test
    void readsBigEndianStoragesAndRefusesOtherOrders() throws IOException {
        ByteBuffer big = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
        for (int i = 1; i <= 6; i++) big.putFloat(i * 0.5f);
        byte[] pickle = new PickleBuilder().proto(2).emptyDict().unicode("w")
                .tensor("FloatStorage", "0", 6, 0, SIZE_2x3, ROW).setItem().stop().bytes();
        CheckpointZip zip = CheckpointZip.of(pickle).record("archive/data/0", big.array())
                .record("archive/byteorder", CheckpointZip.ascii("big"));
        try (StateDict sd = TorchCheckpoint.read(write(zip))) {
            assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, sd.get("w").floats());
        }
        assertRefused(write(zip.record("archive/byteorder", CheckpointZip.ascii("middle"))),
                "checkpoint declares byte order 'middle'; torch writes 'little' or 'big'");
    }

    @Test
    void convertsHalfPrecisionEdgeCases() {
        assertEquals(0f, DType.halfToFloat((short) 0));
        assertEquals(-0f, DType.halfToFloat((short) 0x8000));
        assertEquals(1f, DType.halfToFloat((short) 0x3c00));
        assertEquals(65504f, DType.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, DType.halfToFloat((short) 1));
        assertEquals(Float.NEGATIVE_INFINITY, DType.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(DType.halfToFloat((short) 0x7e00)));
    }

    // ---- helpers ----

    /** A state_dict {'w': tensor} viewing storage '0' (float32, numel storageNumel). */
    private static CheckpointZip oneTensor(long storageNumel, long offset, long[] size, long[] stride) {
        byte[] pickle = new PickleBuilder().proto(2).orderedDict().unicode("w")
                .tensor("FloatStorage", "0", storageNumel, offset, size, stride).setItem().stop().bytes();
        return CheckpointZip.of(pickle);
    }

    private static TensorRef refOf(StateDict sd, String key) throws Exception {
        var field = TorchTensor.class.getDeclaredField("ref");
        field.setAccessible(true);
        return (TensorRef) field.get(sd.get(key));
    }

    private Path write(CheckpointZip zip) throws IOException {
        return write(zip.bytes());
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(tmp, "ckpt", ".pt");
        Files.write(file, bytes);
        return file;
    }

    private static void assertRefused(Path file, String messageStart) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> {
            try (StateDict sd = TorchCheckpoint.read(file)) {
                for (String key : sd.keys()) sd.get(key).floats();
            }
        });
        assertTrue(e.getMessage().startsWith(messageStart), "message was: " + e.getMessage());
    }

    /**
     * Refused with under 1 MiB allocated: nothing was sized by the declared numbers. The timeout
     * only guards against a hang (a loop over the declared sizes); it is not a speed measurement,
     * so it leaves room for a loaded machine.
     */
    private static void assertRefusedCheaply(Path file, String messageStart) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            long before = FuzzBounds.allocated();
            assertRefused(file, messageStart);
            long used = FuzzBounds.allocated() - before;
            assertTrue(used < (1 << 20), used + " bytes allocated");
        });
    }

    private static Path resource(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
