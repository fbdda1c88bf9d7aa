package org.sparkimage.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Spark standalone cluster started by {@code scripts/cluster.sh} (master and workers in their
 * own JVMs, on free ports of 127.0.0.1). {@link #close()} stops it with the script, then kills
 * whatever is left of the daemons and their executors by the PIDs in the pid files.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<Long> daemonPids = new ArrayList<>();

    private LocalCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static LocalCluster start(Path dir, int workers) throws IOException, InterruptedException {
        LocalCluster cluster = new LocalCluster(dir, freePort());
        List<String> cmd = List.of("scripts/cluster.sh", "start", "--dir", dir.toString(), "--port", "" + cluster.port,
                "--webui-port", "" + freePort(), "--workers", "" + workers, "--worker-cores", "1", "--worker-memory", "1536m");
        Files.createDirectories(dir);
        try (ForkedProcess script = ForkedProcess.start(dir.resolve("start.log"), cmd)) {
            int exit = script.waitFor(Duration.ofMinutes(3));
            cluster.daemonPids.addAll(cluster.pidsFromFiles());
            if (exit != 0) {
                cluster.close();
                throw new AssertionError("cluster.sh start failed (" + exit + "):\n" + script.output());
            }
        }
        return cluster;
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** The executor JVMs the workers launched (children of the worker processes) that are alive now. */
    public List<ProcessHandle> executors() throws IOException {
        List<ProcessHandle> out = new ArrayList<>();
        for (long pid : pidsFromFiles()) {
            if (isWorker(pid)) ProcessHandle.of(pid).ifPresent(w -> w.children().forEach(out::add));
        }
        return out;
    }

    private boolean isWorker(long pid) throws IOException {
        try (var files = Files.list(dir.resolve("pids"))) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("worker-") && readPid(f) == pid);
        }
    }

    private List<Long> pidsFromFiles() throws IOException {
        Path pids = dir.resolve("pids");
        if (!Files.isDirectory(pids)) return List.of();
        try (var files = Files.list(pids)) {
            return files.map(LocalCluster::readPid).toList();
        }
    }

    private static long readPid(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try (ForkedProcess stop = ForkedProcess.start(dir.resolve("stop.log"), List.of("scripts/cluster.sh", "stop", "--dir", dir.toString()))) {
            stop.waitFor(Duration.ofMinutes(1));
        } finally {
            for (long pid : daemonPids) {
                Optional<ProcessHandle> h = ProcessHandle.of(pid);
                h.ifPresent(ForkedProcess::killTree);
            }
        }
    }
}
