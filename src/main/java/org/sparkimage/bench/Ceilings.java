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
 * The two ceilings a CPU-shared pipeline is bounded by, measured outside Spark with all cores:
 * inference alone on ready tensors (C) and decode+preprocess alone (D).
 */
final class Ceilings {
    /** Images per second over a measured interval, and per-image latencies where recorded (ms). */
    record Rate(long images, double seconds, double[] latenciesMs) {
        double perSecond() {
            return images / seconds;
        }
    }

    private Ceilings() {
    }

    /**
     * C: {@code callers} threads each run batches of {@code batch} ready tensors ({@code tensors}) through
     * {@code engine} until {@code minSeconds} have passed (after one warm-up batch each).
     */
    static Rate inference(OrtEngine engine, FloatBuffer tensors, int batch, int callers, double minSeconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> warm = new ArrayList<>();
            for (int t = 0; t < callers; t++) warm.add(pool.submit(() -> engine.run(tensors, batch, false)));
            for (Future<?> f : warm) f.get();
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
                                pre.write(decoder.decode(files.get(i), hint).pixels(), tensor, 0);
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
