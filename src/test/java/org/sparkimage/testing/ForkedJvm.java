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

/**
 * Runs a main class of this project in a JVM of its own, with the project's runtime class path
 * ({@code target/classes} + {@code target/classpath.txt}), the Java 17 module flags and
 * telemetry off, for tests that need a separate heap limit. The class path goes through an
 * @argfile: ONNX Runtime 1.29 crashes on long command lines. Runs as a {@link ForkedProcess}, so
 * the process tree is killed by PID if it outlives its timeout or the test fails.
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
            try (ForkedProcess jvm = ForkedProcess.start(scratch.resolve(argFile.getFileName() + ".log"), command)) {
                int exit = jvm.waitFor(timeout);
                return new Result(exit, jvm.output());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String runtimeClasspath() throws IOException {
        Path deps = Path.of("target/classpath.txt");
        assertTrue(Files.isRegularFile(deps), "target/classpath.txt is missing: build with mvn first");
        return Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + Files.readString(deps).trim();
    }

    /** The JVM flags Spark needs on Java 17 (conf/java-module-flags.properties). */
    public static String moduleFlags() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("conf/java-module-flags.properties"))) {
            p.load(in);
        }
        return p.getProperty("java.module.flags").trim();
    }
}
