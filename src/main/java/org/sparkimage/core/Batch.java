package org.sparkimage.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;

/**
 * A reusable batch of the partition function: the direct tensor buffer ONNX Runtime reads, and
 * the images in input order, each with its tensor slot or, when it failed before inference, its
 * error result.
 */
final class Batch {
    /** One image of the batch: its tensor slot and size, or its error. */
    record Item(Row row, ImageRef ref, int slot, int width, int height, ClassificationResult error) {}

    /** Error rows wait in the batch to keep input order; this bounds how many a batch holds. */
    private static final int MAX_ITEMS_PER_SLOT = 4;

    final FloatBuffer tensors;
    final List<Item> items;
    private final int capacity;
    private int slots;

    Batch(int capacity, int tensorSize) {
        this.capacity = capacity;
        this.tensors = ByteBuffer.allocateDirect(capacity * tensorSize * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.items = new ArrayList<>(capacity);
    }

    /** Adds an image whose tensor was just written into slot {@link #slots()}. */
    void addImage(ImageInput in, int width, int height) {
        items.add(new Item(in.row(), in.ref(), slots++, width, height, null));
    }

    /** Adds an image that failed before inference. */
    void addError(ImageInput in, ClassificationResult error) {
        items.add(new Item(in.row(), in.ref(), -1, 0, 0, error));
    }

    /** Tensor slots in use. */
    int slots() {
        return slots;
    }

    boolean full() {
        return slots == capacity || items.size() >= MAX_ITEMS_PER_SLOT * capacity;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    void clear() {
        items.clear();
        slots = 0;
    }
}
