package org.sparkimage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime 1.29's telemetry reads /proc/self/cmdline and crashes the JVM (exit 139) when the
 * command line is longer than ~3.8 KB, as any Spark classpath is. With telemetry disabled the way
 * the product does it everywhere, a JVM started with the full classpath spelled out loads a session.
 */
class OrtLongCommandLineTest {

    @Test
    void sessionLoadsInAJvmWhoseCommandLineHoldsTheWholeClasspath() throws Exception {
        String deps = Files.readString(Path.of("target/classpath.txt"), StandardCharsets.UTF_8).strip();
        String classpath = String.join(File.pathSeparator, "target/classes", "target/test-classes", deps);
        assertTrue(classpath.length() > 8000, "the test needs a long command line, got " + classpath.length() + " chars");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", classpath, OrtSmokeMain.class.getName()))
                .redirectErrorStream(true);
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("ORT-OK classes=5"), output);
    }
}
