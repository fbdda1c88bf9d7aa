/**
 * Reading PyTorch {@code torch.save} checkpoints in pure Java, for importing trained weights:
 * {@link org.sparkimage.model.torch.TorchCheckpoint#read} gives a
 * {@link org.sparkimage.model.torch.StateDict} of {@link org.sparkimage.model.torch.TorchTensor}s
 * whose values are read from the zip on demand. The pickle inside is read by a restricted
 * unpickler that builds data and tensors only and never executes or instantiates anything the
 * file names; everything else (a pickled model class, TorchScript, the legacy format, damaged or
 * hostile files) is a {@link org.sparkimage.model.torch.CheckpointException} with a message for
 * the user.
 */
package org.sparkimage.model.torch;
