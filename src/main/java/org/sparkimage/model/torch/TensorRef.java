package org.sparkimage.model.torch;

/**
 * A tensor as {@code _rebuild_tensor_v2} describes it: a strided view of a storage. The numbers
 * are already checked for sign and overflow ({@link TensorRebuild}); whether the storage really
 * holds them is checked when the tensor is bound to the archive ({@link TorchTensor}).
 *
 * @param storage the storage viewed
 * @param offset first element, in elements of the storage
 * @param shape sizes per dimension
 * @param stride element steps per dimension
 * @param numel product of the shape
 * @param end one past the last storage element the view reaches ({@code offset} when empty)
 */
record TensorRef(StorageRef storage, long offset, int[] shape, long[] stride, long numel, long end) {
}
