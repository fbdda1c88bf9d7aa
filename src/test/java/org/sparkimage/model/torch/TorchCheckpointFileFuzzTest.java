package org.sparkimage.model.torch;

import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link TorchCheckpoint#read} with any bytes as the whole file: zip structure, record layout,
 * legacy and TorchScript detection, storage records. Same invariant as
 * {@link TorchCheckpointFuzzTest}: a state_dict whose tensors read as floats, or a
 * {@link CheckpointException} (or IOException), within the time and allocation bounds. Seeds: the
 * real test checkpoints (and the legacy, whole-model and TorchScript files it must refuse) in
 * {@code TorchCheckpointFileFuzzTestInputs/file/}; see docs/fuzzing.md.
 */
class TorchCheckpointFileFuzzTest {
    /** The JDK's ZipFile reads the central directory and keeps per-file state: 2 MiB fixed. */
    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void file(byte[] data) throws Exception {
        FuzzBounds.run(data.length, 2 << 20, 160, "TorchCheckpoint (file)", () -> FuzzedCheckpoint.read(data));
    }
}
