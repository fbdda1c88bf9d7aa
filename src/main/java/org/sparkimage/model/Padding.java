package org.sparkimage.model;

/**
 * Where the zero padding of a k x k convolution goes. Both conventions give the same output sizes
 * for MobileNetV2; they differ in which input pixels a stride-2 convolution sees.
 */
public enum Padding {
    /** PyTorch: k/2 on every side. */
    SYMMETRIC,
    /** TensorFlow "same": total padding split with the extra row/column at bottom/right (Keras MobileNetV2). */
    TF_SAME;

    /** Padding before and after along one axis: {@code {before, after}}. */
    int[] pads(int in, int kernel, int stride) {
        if (this == SYMMETRIC) return new int[] {kernel / 2, kernel / 2};
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + kernel - in, 0);
        return new int[] {total / 2, total - total / 2};
    }
}
