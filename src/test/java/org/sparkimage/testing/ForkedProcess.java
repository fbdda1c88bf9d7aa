package org.sparkimage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A script or JVM a test starts, run from the repository root with its output in a log file.
 * {@link #close()} kills it and everything it started, by PID, whatever state the test left it in.
 */
public final class ForkedProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ForkedProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The repository root (the failsafe/surefire working directory unless told otherwise). */
    public static Path repoRoot() {
        return Path.of(System.getProperty("sparkimage.root", ".")).toAbsolutePath().normalize();
    }

    public static ForkedProcess start(Path log, List<String> command) throws IOException {
        return start(log, command, java.util.Map.of());
    }

    /** {@link #start(Path, List)} with extra environment variables. */
    public static ForkedProcess start(Path log, List<String> command, java.util.Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        pb.environment().putAll(env);
        return new ForkedProcess(pb.start(), log);
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + log, e);
        }
    }

    /** Waits until some output line matches; false when the process ends or time runs out first. */
    public boolean awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        return await(() -> output().lines().anyMatch(matches), timeout);
    }

    /** Polls {@code condition} while the process runs; false when it ends or time runs out first. */
    public boolean await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            if (!process.isAlive()) return condition.getAsBoolean();
            Thread.sleep(200);
        }
        return false;
    }

    /** The exit status; fails the test (after killing the tree) when it does not end in time. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError("process did not end within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Kills a process tree, children first, by PID. */
    public static void killTree(ProcessHandle root) {
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
    }

    @Override
    public void close() {
        killTree(process.toHandle());
    }
}
