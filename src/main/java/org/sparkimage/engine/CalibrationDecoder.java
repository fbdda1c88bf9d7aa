package org.sparkimage.engine;

import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;

/**
 * Decodes and preprocesses calibration images on a pool of threads, a few images ahead of the
 * reader, and hands them back in the order they were read: the calibration (and its digest) is
 * then the same whatever the number of threads. Images are decoded on the reference path (full
 * resolution), as calibration always was.
 */
final class CalibrationDecoder implements Iterator<CalibrationDecoder.Decoded> {
    /**
     * One calibration file, decoded or not.
     *
     * @param encoded its bytes
     * @param tensor  its preprocessed tensor (the card's layout), or null when it did not decode
     */
    record Decoded(byte[] encoded, FloatBuffer tensor) {}

    private final Iterator<byte[]> images;
    private final ExecutorService pool;
    private final int ahead;
    private final ThreadLocal<GuardedImageDecoder> decoders;
    private final Preprocessor pre;
    private final int size;
    private final Deque<Future<Decoded>> queued = new ArrayDeque<>();
    private int stillWanted;

    /**
     * @param images encoded images, read on the calling thread in order
     * @param wanted decodable images wanted: files are read ahead only as far as every one queued
     *               decoding could still be needed, so no file past the last one used is read
     * @param pool   where images are decoded
     * @param ahead  images decoded ahead of the one being consumed, at most (bounds memory: each
     *               holds its bytes and a preprocessed tensor)
     */
    CalibrationDecoder(Iterator<byte[]> images, int wanted, ModelCard card, DecodeLimits limits, ExecutorService pool, int ahead) {
        this.images = images;
        this.stillWanted = wanted;
        this.pool = pool;
        this.ahead = Math.max(1, ahead);
        // A decoder per thread: GuardedImageDecoder does not promise to be thread-safe.
        this.decoders = ThreadLocal.withInitial(() -> new GuardedImageDecoder(limits, card.preprocess().background()));
        this.pre = new Preprocessor(card);
        this.size = card.tensorSize();
    }

    @Override
    public boolean hasNext() {
        fill();
        return !queued.isEmpty();
    }

    /**
     * The next file in read order.
     *
     * @throws java.io.UncheckedIOException when a file cannot be read
     */
    @Override
    public Decoded next() {
        if (!hasNext()) throw new NoSuchElementException();
        Future<Decoded> f = queued.removeFirst();
        try {
            Decoded d = f.get();
            if (d.tensor() != null) stillWanted--;
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding calibration images", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Stops decoding ahead (after a failure): images read but not consumed are dropped. */
    void cancel() {
        queued.forEach(f -> f.cancel(false));
        queued.clear();
        stillWanted = 0;
    }

    private void fill() {
        while (queued.size() < Math.min(ahead, stillWanted) && images.hasNext()) {
            byte[] encoded = images.next();
            queued.addLast(pool.submit(() -> decode(encoded)));
        }
    }

    private Decoded decode(byte[] encoded) {
        try {
            FloatBuffer tensor = FloatBuffer.allocate(size);
            pre.write(decoders.get().decode(encoded, pre.sampledHint()), tensor, 0);
            return new Decoded(encoded, tensor);
        } catch (ImageDecodeException e) {
            return new Decoded(encoded, null);
        }
    }
}
