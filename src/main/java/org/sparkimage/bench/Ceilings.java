package org.sparkimage.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;

/**
 * The two ceilings a CPU-shared pipeline is bounded by, measured outside the job: inference alone
 * on ready tensors (C) and decode+preprocess alone (D). In the driver with all cores, or inside
 * Spark tasks on the executors ({@link ExecutorCeilings}), one caller per task there.
 */
final class Ceilings {
    /** Images per second over a measured interval, and per-image latencies where recorded (ms). */
    record Rate(long images, double seconds, double[] latenciesMs) {
        double perSecond() {
            return images / seconds;
        }
    }

    /**
     * Called once all warming is done, right before the timed interval starts: executor tasks
     * measuring at the same time wait there for each other, so that their intervals overlap.
     */
    @FunctionalInterface
    interface StartGate {
        /** Starts at once. */
        StartGate NONE = () -> { };

        void await() throws Exception;
    }

    /** Files decoded before a gated decode measurement starts. */
    private static final int WARM_UP_FILES = 8;

    private Ceilings() {
    }

    /**
     * C: {@code callers} threads each run batches of {@code batch} ready tensors ({@code tensors}) through
     * {@code engine} until {@code minSeconds} have passed (after one warm-up batch each).
     */
    static Rate inference(OrtEngine engine, FloatBuffer tensors, int batch, int callers, double minSeconds) throws Exception {
        return inference(engine, tensors, batch, callers, minSeconds, StartGate.NONE);
    }

    /** {@link #inference(OrtEngine, FloatBuffer, int, int, double)}, timing from when {@code gate} opens. */
    static Rate inference(OrtEngine engine, FloatBuffer tensors, int batch, int callers, double minSeconds, StartGate gate)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> warm = new ArrayList<>();
            for (int t = 0; t < callers; t++) warm.add(pool.submit(() -> engine.run(tensors, batch, false)));
            for (Future<?> f : warm) f.get();
            gate.await();
            long deadline = System.nanoTime() + (long) (minSeconds * 1e9);
            AtomicInteger runs = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        engine.run(tensors, batch, false);
                        runs.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) f.get();
            return new Rate((long) runs.get() * batch, (System.nanoTime() - t0) / 1e9, new double[0]);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * D: {@code threads} threads decode and preprocess the files (each into its own tensor buffer)
     * in passes over the list until {@code minSeconds} have passed; one latency per image.
     */
    static Rate decode(ImageDecoder decoder, ScaleHint hint, Preprocessor pre, List<byte[]> files, int threads,
                       double minSeconds) throws Exception {
        return decode(decoder, hint, pre, files, threads, minSeconds, StartGate.NONE);
    }

    /**
     * {@link #decode(ImageDecoder, ScaleHint, Preprocessor, List, int, double)}, timing from when
     * {@code gate} opens; a warm-up pass over a few files comes first (executor JVMs start cold, and
     * a barrier-synchronised start must not leave one task compiling while another measures).
     */
    static Rate decode(ImageDecoder decoder, ScaleHint hint, Preprocessor pre, List<byte[]> files, int threads,
                       double minSeconds, StartGate gate) throws Exception {
        if (gate != StartGate.NONE) {
            FloatBuffer tensor = ByteBuffer.allocateDirect(pre.card().tensorSize() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (byte[] f : files.subList(0, Math.min(files.size(), WARM_UP_FILES))) {
                try {
                    pre.write(decoder.decode(f, hint), tensor, 0);
                } catch (ImageDecodeException e) {
                    // as in the timed passes
                }
            }
            gate.await();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (minSeconds * 1e9);
            List<Double> latencies = new ArrayList<>();
            do {
                AtomicInteger next = new AtomicInteger();
                List<Future<List<Double>>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    workers.add(pool.submit(() -> {
                        FloatBuffer tensor = ByteBuffer.allocateDirect(pre.card().tensorSize() * Float.BYTES)
                                .order(ByteOrder.nativeOrder()).asFloatBuffer();
                        List<Double> mine = new ArrayList<>();
                        for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                            long s = System.nanoTime();
                            try {
                                pre.write(decoder.decode(files.get(i), hint), tensor, 0);
                            } catch (ImageDecodeException e) {
                                // an error row costs what it costs; still one image handled
                            }
                            mine.add((System.nanoTime() - s) / 1e6);
                        }
                        return mine;
                    }));
                }
                for (Future<List<Double>> f : workers) latencies.addAll(f.get());
            } while (System.nanoTime() < deadline);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Rate(latencies.size(), seconds, latencies.stream().mapToDouble(Double::doubleValue).toArray());
        } finally {
            pool.shutdownNow();
        }
    }
}
