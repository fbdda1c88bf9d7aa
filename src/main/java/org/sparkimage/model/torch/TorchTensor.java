package org.sparkimage.model.torch;

import java.io.IOException;
import java.util.Arrays;

/**
 * One tensor of a checkpoint: its name, element type and shape, known when the file is opened,
 * and its values, read from the zip only when {@link #floats()} is called. When the checkpoint
 * was opened its storage was checked to exist and to hold every element the tensor reaches.
 */
public final class TorchTensor {
    private final String name;
    private final TensorRef ref;
    private final CheckpointArchive archive;

    private TorchTensor(String name, TensorRef ref, CheckpointArchive archive) {
        this.name = name;
        this.ref = ref;
        this.archive = archive;
    }

    /**
     * The tensor {@code name} viewing {@code ref}'s storage in {@code archive}, after checking
     * the storage record is there and long enough: the storage must hold what it declares and
     * the view must fit in the storage.
     */
    static TorchTensor bind(String name, TensorRef ref, CheckpointArchive archive) {
        StorageRef storage = ref.storage();
        String what = "tensor " + PyText.quote(name);
        long recordBytes = archive.storageBytes(storage.key());
        long needBytes = storage.numel() > recordBytes ? Long.MAX_VALUE : storage.numel() * storage.dtype().elementSize();
        if (needBytes > recordBytes) {
            throw new CheckpointException("storage shorter than its tensor: " + what + " uses storage "
                    + PyText.quote(storage.key()) + " of " + storage.numel() + " " + storage.dtype().torchName()
                    + " elements, but its record holds only " + recordBytes + " bytes");
        }
        if (ref.end() > storage.numel()) {
            throw new CheckpointException("storage shorter than its tensor: " + what + " reaches element "
                    + (ref.end() - 1) + " of storage " + PyText.quote(storage.key()) + ", which has "
                    + storage.numel() + " elements");
        }
        if (ref.numel() > storage.numel()) {
            // Only an expanded (stride-0) view has more elements than its storage; a state_dict has
            // none, and refusing them keeps floats() within the bytes the file really holds.
            throw new CheckpointException(what + " has " + ref.numel() + " elements but its storage only "
                    + storage.numel() + ": expanded (stride-0) views are not supported");
        }
        return new TorchTensor(name, ref, archive);
    }

    /** The key of this tensor in the state_dict (DataParallel's "module." stripped). */
    public String name() {
        return name;
    }

    /** e.g. "float32", "float16", "bfloat16", "float64", "int64" */
    public String dtype() {
        return ref.storage().dtype().torchName();
    }

    /** Sizes per dimension; a copy ({@code []} for a scalar). */
    public int[] shape() {
        return ref.shape().clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public long numel() {
        return ref.numel();
    }

    /**
     * The values in row-major (C) order of shape, converted to float32 (float16/bfloat16/float64
     * converted); CheckpointException for integer/bool dtypes or storage too short. Reads lazily
     * from the zip.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalStateException after the {@link StateDict} was closed
     */
    public float[] floats() throws IOException {
        if (!ref.storage().dtype().isFloating()) {
            throw new CheckpointException("tensor " + PyText.quote(name) + " holds " + dtype()
                    + " values; only floating-point tensors convert to floats");
        }
        long span = ref.end() - ref.offset();
        if (ref.numel() > Limits.MAX_FLOATS || span > Limits.MAX_FLOATS) {
            throw new CheckpointException("tensor " + PyText.quote(name) + " has " + ref.numel()
                    + " elements (spanning " + span + " in its storage); at most " + Limits.MAX_FLOATS
                    + " can be read as floats");
        }
        return TensorValues.read(archive, ref);
    }

    /** e.g. "0.weight float32[4, 3, 3, 3]", for logs. */
    @Override
    public String toString() {
        return name + " " + dtype() + Arrays.toString(ref.shape());
    }
}
