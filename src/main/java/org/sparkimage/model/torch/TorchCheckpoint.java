package org.sparkimage.model.torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads PyTorch {@code torch.save} checkpoints without Python and without running anything the
 * file names: a restricted unpickler ({@link RestrictedUnpickler}) accepts plain data, storages
 * and tensors only, so a pickled model class or a payload like {@code os.system} is refused with
 * a message, never executed. Every size the file declares is checked against limits and against
 * the bytes really in the zip before it is used.
 *
 * <p>Supported: the zip format of torch 1.6 and later (pickle protocols 2 to 5), a bare
 * state_dict or a training checkpoint dict holding one, float32/float64/float16/bfloat16
 * values (integer tensors are listed but not converted), both byte orders.
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {
    }

    /** Opens a torch.save file and finds its tensors. */
    public static StateDict read(Path file) throws IOException {
        CheckpointArchive archive = CheckpointArchive.open(file);
        try {
            TensorLocator.Found found = TensorLocator.locate(RestrictedUnpickler.load(archive.dataPkl()));
            Map<String, TorchTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : found.tensors().entrySet()) {
                tensors.put(e.getKey(), TorchTensor.bind(e.getKey(), e.getValue(), archive));
            }
            return new StateDict(archive, found.origin(), tensors);
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
    }
}
