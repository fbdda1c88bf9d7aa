package org.sparkimage.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples this JVM's memory twice a second on a daemon thread: heap in use, resident set size
 * (Linux {@code /proc/self/status}; it includes native memory such as ONNX Runtime's and
 * libjpeg's) and direct buffers. In local mode the executor is this JVM, so a long run shows
 * whether either grows.
 */
final class MemorySampler implements AutoCloseable {
    /** One sample; sizes in MB, -1 where unknown. */
    record Sample(double seconds, double heapMb, double rssMb, double directMb) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private final long start = System.nanoTime();
    private volatile boolean running = true;

    MemorySampler() {
        thread = new Thread(this::loop, "memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElse(null);
        while (running) {
            Runtime rt = Runtime.getRuntime();
            Sample s = new Sample((System.nanoTime() - start) / 1e9, (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                    rssMb(), direct == null ? -1 : direct.getMemoryUsed() / 1048576.0);
            synchronized (samples) {
                samples.add(s);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: RSS unknown
        }
        return -1;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
    }
}
