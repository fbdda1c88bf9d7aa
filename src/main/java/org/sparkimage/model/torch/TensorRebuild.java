package org.sparkimage.model.torch;

import java.util.List;

/**
 * REDUCE of the two tensor globals: {@code _rebuild_tensor_v2(storage, storage_offset, size,
 * stride, requires_grad, backward_hooks[, metadata])} and {@code _rebuild_parameter(tensor,
 * requires_grad, backward_hooks)}. Every number is checked here, in exact arithmetic, before it
 * can size anything: negative sizes, strides and offsets and products beyond a long are refused.
 */
final class TensorRebuild {
    private TensorRebuild() {
    }

    /** The tensor {@code _rebuild_tensor_v2(*args)} would make. */
    static TensorRef tensor(PyTuple args) {
        if (args.size() != 6 && args.size() != 7) {
            throw new CheckpointException("data.pkl calls _rebuild_tensor_v2 with " + args.size()
                    + " arguments; torch passes 6 or 7");
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw new CheckpointException("data.pkl calls _rebuild_tensor_v2 on a " + PyText.typeName(args.get(0))
                    + ", not a storage");
        }
        String where = "storage " + PyText.quote(storage.key());
        long offset = StorageLoad.count(args.get(1), "a tensor offset in " + where);
        int[] shape = shape(args.get(2), where);
        long[] stride = stride(args.get(3), shape.length, where);
        checkHooks(args.get(5));
        if (args.size() == 7) checkMetadata(args.get(6));
        long numel = numel(shape, where);
        return new TensorRef(storage, offset, shape, stride, numel, end(offset, shape, stride, numel, where));
    }

    /** The tensor inside {@code _rebuild_parameter(tensor, requires_grad, hooks)}: a Parameter reads as its data. */
    static TensorRef parameter(PyTuple args) {
        if (args.size() != 3 || !(args.get(0) instanceof TensorRef tensor)) {
            throw new CheckpointException("data.pkl calls _rebuild_parameter with something other than"
                    + " (tensor, requires_grad, hooks)");
        }
        checkHooks(args.get(2));
        return tensor;
    }

    private static int[] shape(Object value, String where) {
        List<Object> sizes = ints(value, "size", where);
        int[] shape = new int[sizes.size()];
        for (int i = 0; i < shape.length; i++) {
            long n = StorageLoad.count(sizes.get(i), "dimension " + i + " of a tensor in " + where);
            if (n > Integer.MAX_VALUE) {
                throw new CheckpointException("data.pkl declares a tensor in " + where + " with dimension " + i
                        + " of " + n + " elements, beyond what one dimension can hold (" + Integer.MAX_VALUE + ")");
            }
            shape[i] = (int) n;
        }
        return shape;
    }

    private static long[] stride(Object value, int dims, String where) {
        List<Object> steps = ints(value, "stride", where);
        if (steps.size() != dims) {
            throw new CheckpointException("data.pkl declares a tensor in " + where + " with " + dims
                    + " dimensions but " + steps.size() + " strides");
        }
        long[] stride = new long[dims];
        for (int i = 0; i < dims; i++) stride[i] = StorageLoad.count(steps.get(i), "stride " + i + " of a tensor in " + where);
        return stride;
    }

    private static List<Object> ints(Object value, String what, String where) {
        if (!(value instanceof PyTuple t)) {
            throw new CheckpointException("data.pkl declares the " + what + " of a tensor in " + where + " as a "
                    + PyText.typeName(value) + ", not a tuple");
        }
        if (t.size() > Limits.MAX_DIMS) {
            throw new CheckpointException("data.pkl declares a tensor in " + where + " with " + t.size()
                    + " dimensions; at most " + Limits.MAX_DIMS + " are supported");
        }
        return t.items();
    }

    private static long numel(int[] shape, String where) {
        long numel = 1;
        for (int size : shape) {
            try {
                numel = Math.multiplyExact(numel, size);
            } catch (ArithmeticException e) {
                throw new CheckpointException("data.pkl declares a tensor in " + where + " whose element count"
                        + " overflows a 64-bit integer", e);
            }
        }
        return numel;
    }

    /** One past the last element reached: offset + sum((size_i - 1) * stride_i) + 1, exact. */
    private static long end(long offset, int[] shape, long[] stride, long numel, String where) {
        if (numel == 0) return offset;
        try {
            long last = offset;
            for (int i = 0; i < shape.length; i++) last = Math.addExact(last, Math.multiplyExact(shape[i] - 1L, stride[i]));
            return Math.addExact(last, 1);
        } catch (ArithmeticException e) {
            throw new CheckpointException("data.pkl declares a tensor in " + where + " whose offset and strides"
                    + " overflow a 64-bit integer", e);
        }
    }

    /** Backward hooks are an empty OrderedDict in any saved tensor; hooks would need code. */
    private static void checkHooks(Object hooks) {
        if (!(hooks instanceof PyDict dict) || dict.size() != 0) {
            throw new CheckpointException("data.pkl saves a tensor with backward hooks; only plain tensors can be read");
        }
    }

    /** Newer torch appends a dict of tensor flags; only an empty one carries nothing this reader would ignore. */
    private static void checkMetadata(Object metadata) {
        if (!(metadata instanceof PyDict dict) || dict.size() != 0) {
            throw new CheckpointException("data.pkl saves a tensor with extra metadata ("
                    + (metadata instanceof PyDict d ? PyText.keys(d.entries(), 5) : PyText.typeName(metadata))
                    + "); only plain tensors can be read");
        }
    }
}
