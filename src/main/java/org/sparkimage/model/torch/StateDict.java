package org.sparkimage.model.torch;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The tensors of one checkpoint by key, in file order. Holds the checkpoint's zip open so that
 * {@link TorchTensor#floats()} reads values on demand; close it when done.
 */
public final class StateDict implements AutoCloseable {
    private final CheckpointArchive archive;
    private final String origin;
    private final Map<String, TorchTensor> tensors;
    private final List<String> keys;

    StateDict(CheckpointArchive archive, String origin, Map<String, TorchTensor> tensors) {
        this.archive = archive;
        this.origin = origin;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.keys = List.copyOf(tensors.keySet());
    }

    /** Keys in file order (with a leading "module." of DataParallel stripped when every key has it). */
    public List<String> keys() {
        return keys;
    }

    /** The tensor under key, or null. */
    public TorchTensor get(String key) {
        return tensors.get(key);
    }

    /** Where the tensors were found: "state_dict" for a bare state_dict, or e.g. "checkpoint['state_dict']". */
    public String origin() {
        return origin;
    }

    /** Closes the checkpoint file; {@link TorchTensor#floats()} fails afterwards. */
    @Override
    public void close() throws IOException {
        archive.close();
    }
}
