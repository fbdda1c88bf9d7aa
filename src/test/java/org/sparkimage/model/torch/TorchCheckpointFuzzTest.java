package org.sparkimage.model.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link TorchCheckpoint#read} with any bytes as data.pkl inside an otherwise valid checkpoint zip
 * (byteorder and sixteen 512-byte float32 storages {@code data/0} to {@code data/15}): a state_dict
 * whose tensors read as floats, or a {@link CheckpointException} (or IOException); nothing else,
 * within the time and allocation bounds. This is where the restricted unpickler is fuzzed; whole
 * files (zip structure) are {@link TorchCheckpointFileFuzzTest}. Seeds: the data.pkl of the real
 * test checkpoints and hand-made hostile pickles in {@code TorchCheckpointFuzzTestInputs/dataPkl/};
 * see docs/fuzzing.md.
 */
class TorchCheckpointFuzzTest {
    private static final int STORAGES = 16;
    private static final int STORAGE_BYTES = 512;

    /** The fixed zip around the input is ~9 KB and is written to disk per input, so 2 MiB fixed. */
    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void dataPkl(byte[] data) throws Exception {
        FuzzBounds.run(data.length, 2 << 20, 160, "TorchCheckpoint (data.pkl)",
                () -> FuzzedCheckpoint.read(withStorages(CheckpointZip.of(data)).bytes()));
    }

    private static CheckpointZip withStorages(CheckpointZip zip) {
        for (int key = 0; key < STORAGES; key++) {
            ByteBuffer values = ByteBuffer.allocate(STORAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < STORAGE_BYTES / 4; i++) values.putFloat(key + i / 128f);
            zip.record("archive/data/" + key, values.array());
        }
        return zip;
    }
}
