package org.sparkimage.image;

import java.util.Arrays;

/**
 * The rows and columns of an image that a resize reads, as ascending indices. A decoder given a
 * {@link ScaleHint#sampler()} may return only these (a {@link DecodedImage} whose
 * {@link DecodedImage#kept()} is this), and the resize then reads its samples from the
 * compacted pixels: row {@code rows[k]} of the full image is row {@code k} of the pixels.
 *
 * @param rows ascending, distinct row indices
 * @param cols ascending, distinct column indices
 */
public record SampledAxes(int[] rows, int[] cols) {
    public SampledAxes {
        requireAscending(rows, "rows");
        requireAscending(cols, "cols");
    }

    /** The distinct values of {@code a} and {@code b}, ascending. */
    static int[] union(int[] a, int[] b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return Arrays.stream(all).sorted().distinct().toArray();
    }

    /** {@code v -> n - 1 - v} over {@code indices}, ascending again: the same set seen from a mirrored side. */
    static int[] mirrored(int[] indices, int n) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) out[indices.length - 1 - i] = n - 1 - indices[i];
        return out;
    }

    private static void requireAscending(int[] a, String what) {
        if (a.length == 0) throw new IllegalArgumentException("no " + what);
        for (int i = 0; i < a.length; i++) {
            if (a[i] < 0 || (i > 0 && a[i] <= a[i - 1])) throw new IllegalArgumentException(what + " not ascending at " + i);
        }
    }
}
