package org.sparkimage.model.torch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.ZipException;

/**
 * Reads a tensor's elements from its storage record as float32 in row-major order. A contiguous
 * tensor is converted in chunks straight into the result; a strided one (a transposed view, say)
 * reads the span of storage it reaches and gathers by strides. Both allocate only after the span
 * was checked against the record's real size.
 */
final class TensorValues {
    /** Bytes read from the zip at a time for contiguous tensors. */
    private static final int CHUNK_BYTES = 1 << 16;

    private TensorValues() {
    }

    /** The elements of {@code t}, converted. */
    static float[] read(CheckpointArchive archive, TensorRef t) throws IOException {
        float[] out = new float[(int) t.numel()];
        if (t.numel() == 0) return out;
        if (isContiguous(t)) {
            readRange(archive, t, t.offset(), out);
        } else {
            float[] span = new float[(int) (t.end() - t.offset())];
            readRange(archive, t, t.offset(), span);
            gather(t, span, out);
        }
        return out;
    }

    /** Row-major with no gaps; strides of size-1 dimensions do not matter (as torch's is_contiguous). */
    static boolean isContiguous(TensorRef t) {
        long expected = 1;
        for (int i = t.shape().length - 1; i >= 0; i--) {
            if (t.shape()[i] != 1 && t.stride()[i] != expected) return false;
            expected *= t.shape()[i];
        }
        return true;
    }

    /** Storage elements {@code first ... first + dst.length - 1}, converted into {@code dst}. */
    private static void readRange(CheckpointArchive archive, TensorRef t, long first, float[] dst) throws IOException {
        DType dtype = t.storage().dtype();
        String key = t.storage().key();
        int size = dtype.elementSize();
        int perChunk = CHUNK_BYTES / size;
        byte[] chunk = new byte[Math.min(dst.length, perChunk) * size];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(archive.byteOrder());
        try (InputStream in = archive.openStorage(key, first * size)) {
            for (int done = 0; done < dst.length; done += perChunk) {
                int n = Math.min(perChunk, dst.length - done);
                if (in.readNBytes(chunk, 0, n * size) != n * size) throw new EOFException();
                dtype.decode(buffer.clear(), dst, done, n);
            }
        } catch (EOFException | ZipException e) {
            throw archive.truncated(key, e);
        }
    }

    /** Walks the index space in row-major order, stepping through {@code span} by strides. */
    private static void gather(TensorRef t, float[] span, float[] out) {
        int[] shape = t.shape();
        long[] stride = t.stride();
        int[] index = new int[shape.length];
        long pos = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = span[(int) pos];
            for (int d = shape.length - 1; d >= 0; d--) {
                pos += stride[d];
                if (++index[d] < shape[d]) break;
                pos -= stride[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
