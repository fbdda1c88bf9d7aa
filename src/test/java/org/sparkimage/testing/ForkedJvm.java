package org.sparkimage.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of this project in a JVM of its own, with the project's runtime class path
 * ({@code target/classes} + {@code target/classpath.txt}), the Java 17 module flags and
 * telemetry off, for tests that need a separate heap limit or a process they can kill. The
 * class path goes through an @argfile: ONNX Runtime 1.29 crashes on long command lines.
 * The process and all its descendants are killed if it outlives its timeout.
 */
public final class ForkedJvm {
    /** Exit status and the combined stdout/stderr. */
    public record Result(int exitCode, String output) {}

    private ForkedJvm() {
    }

    public static Result run(String mainClass, List<String> jvmArgs, List<String> args, Duration timeout, Path scratch) {
        try {
            Path argFile = scratch.resolve("jvm-" + System.nanoTime() + ".args");
            Files.writeString(argFile, "-cp \"" + runtimeClasspath().replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.addAll(List.of(moduleFlags().split("\\s+")));
            command.add("-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath());
            command.add("@" + argFile);
            command.add(mainClass);
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
            Process process = pb.start();
            try (InputStream out = process.getInputStream()) {
                StringBuilder text = new StringBuilder();
                Thread pump = new Thread(() -> text.append(readAll(out)), "forked-jvm-output");
                pump.start();
                boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!exited) kill(process);
                pump.join(10_000);
                assertTrue(exited, "forked JVM did not finish within " + timeout + "; killed. Output:\n" + text);
                return new Result(process.exitValue(), text.toString());
            } finally {
                kill(process);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills a process and everything it started. */
    public static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    static String runtimeClasspath() throws IOException {
        Path deps = Path.of("target/classpath.txt");
        assertTrue(Files.isRegularFile(deps), "target/classpath.txt is missing: build with mvn first");
        return Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + Files.readString(deps).trim();
    }

    static String moduleFlags() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("conf/java-module-flags.properties"))) {
            p.load(in);
        }
        return p.getProperty("java.module.flags").trim();
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<output lost: " + e + ">";
        }
    }
}
