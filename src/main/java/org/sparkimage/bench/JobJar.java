package org.sparkimage.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The shaded job jar ({@code target/*-job.jar}) that a benchmark on a cluster ships to its executors
 * as {@code spark.jars}, as {@code scripts/submit.sh} ships it for the job: executors have only
 * Spark's jars, and without the project's classes every task fails deserializing its closure
 * ({@code ClassCastException: cannot assign instance of SerializedLambda}).
 */
final class JobJar {
    /**
     * Classes whose driver and executor copies must match for the tasks to deserialize (the
     * bench's probe and the job's partition code); the shade plugin copies classes that do not
     * use relocated packages byte for byte, so a difference means another build.
     */
    private static final List<String> MUST_MATCH = List.of("org/sparkimage/bench/ExecutorCeilings$Probe.class",
            "org/sparkimage/bench/ExecutorCeilings.class", "org/sparkimage/core/PartitionClassifier.class");

    private JobJar() {
    }

    /**
     * {@code given}, or the job jar beside the classes running here: itself when they run from it
     * (spark-submit), the {@code -job.jar} sibling of the thin jar ({@code scripts/bench.sh}), or the
     * one {@code *-job.jar} next to {@code target/classes} (tests).
     *
     * @throws IOException when there is none, or it was built from other sources than the running classes
     */
    static Path locate(Path given) throws IOException {
        Path jar = given != null ? given : besideRunningClasses();
        if (!Files.isRegularFile(jar)) throw new IOException("job jar " + jar + " does not exist: build it (mvn -DskipTests package)");
        checkMatches(jar);
        return jar.toAbsolutePath();
    }

    private static Path besideRunningClasses() throws IOException {
        Path code;
        try {
            code = Path.of(JobJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("cannot tell where the bench's classes come from; pass --job-jar", e);
        }
        String name = code.getFileName().toString();
        if (Files.isRegularFile(code) && name.endsWith("-job.jar")) return code;
        if (Files.isRegularFile(code) && name.endsWith(".jar")) {
            return code.resolveSibling(name.substring(0, name.length() - ".jar".length()) + "-job.jar");
        }
        try (Stream<Path> s = Files.list(code.getParent())) {
            List<Path> jars = s.filter(p -> p.getFileName().toString().endsWith("-job.jar")).toList();
            if (jars.size() != 1) {
                throw new IOException("expected one *-job.jar beside " + code + ", found " + jars
                        + ": build it (mvn -DskipTests package) or pass --job-jar");
            }
            return jars.get(0);
        }
    }

    /** Refuses a jar whose copy of {@link #MUST_MATCH} differs from the classes running here. */
    private static void checkMatches(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String name : MUST_MATCH) {
                ZipEntry entry = zip.getEntry(name);
                byte[] shipped;
                try (InputStream in = entry == null ? null : zip.getInputStream(entry)) {
                    shipped = in == null ? null : in.readAllBytes();
                }
                byte[] running;
                try (InputStream in = JobJar.class.getClassLoader().getResourceAsStream(name)) {
                    running = in == null ? null : in.readAllBytes();
                }
                if (running != null && !Arrays.equals(shipped, running)) {
                    throw new IOException("job jar " + jar + " was built from other sources than the classes running here ("
                            + name + " differs): rebuild it (mvn -DskipTests package; scripts/bench.sh does when sources changed)");
                }
            }
        }
    }
}
