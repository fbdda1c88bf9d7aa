package org.sparkimage.model.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What both checkpoint fuzz tests do with one file: read it and every floating tensor's values,
 * accept a {@link CheckpointException} or an IOException, and check what a successful read
 * returns. One temporary file per JVM, rewritten per input.
 */
final class FuzzedCheckpoint {
    private static final Set<String> ORIGINS = Set.of("state_dict", "checkpoint['state_dict']",
            "checkpoint['model_state_dict']", "checkpoint['model']", "checkpoint['net']", "checkpoint['state_dict_ema']");
    private static final Path FILE = tempFile();

    private FuzzedCheckpoint() {
    }

    /**
     * Reads {@code bytes} as a checkpoint file. Values are read while the elements read so far
     * stay within 4 per file byte: each call is bounded by its storage's real bytes, but a pickle
     * may name one storage from many tensors, and the harness must keep its own memory linear.
     */
    static void read(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        long budget = 4L * bytes.length;
        try (StateDict sd = TorchCheckpoint.read(FILE)) {
            assertTrue(ORIGINS.contains(sd.origin()), sd.origin());
            assertFalse(sd.keys().isEmpty(), "a state_dict without tensors was returned");
            for (String key : sd.keys()) {
                TorchTensor t = sd.get(key);
                assertNotNull(t, key);
                assertEquals(key, t.name());
                long numel = 1;
                for (int size : t.shape()) {
                    assertTrue(size >= 0, key + " has a negative size");
                    numel *= size;
                }
                assertEquals(numel, t.numel(), key);
                assertTrue(numel * DType.valueOf(t.dtype().toUpperCase(java.util.Locale.ROOT)).elementSize() <= bytes.length, key + ": more elements than the file has bytes");
                if (budget < numel) continue;
                budget -= numel;
                try {
                    assertEquals(numel, t.floats().length, key);
                } catch (CheckpointException e) {
                    assertNotNull(e.getMessage());
                }
            }
        } catch (CheckpointException e) {
            assertNotNull(e.getMessage());
        } catch (IOException e) {
            // Also documented: the file could not be read.
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("torch-checkpoint-fuzz", ".pt");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
