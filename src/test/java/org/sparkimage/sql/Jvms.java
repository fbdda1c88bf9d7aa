package org.sparkimage.sql;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.sparkimage.testing.ForkedJvm;
import org.sparkimage.testing.ForkedProcess;

/** Forked JVMs with a chosen classpath, for the tests that need a SparkSession or client of their own. */
final class Jvms {
    private Jvms() {}

    /** Starts {@code main} with {@code classpath}, the Spark module flags and the project's log4j config. */
    static ForkedProcess start(Path log, String classpath, Class<?> main, List<String> args) throws IOException {
        Path argFile = log.resolveSibling(log.getFileName() + ".args");
        Files.writeString(argFile, "-cp \"" + classpath + "\"\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath()));
        command.addAll(List.of(ForkedJvm.moduleFlags().split("\\s+")));
        command.add("@" + argFile);
        command.add(main.getName());
        command.addAll(args);
        return ForkedProcess.start(log, command);
    }

    /** The project, its tests and the test classpath, plus the jars of {@code extraDir} (may be null). */
    static String projectClasspath(String extraDir) throws IOException {
        List<String> cp = new ArrayList<>(List.of(Path.of("target/test-classes").toAbsolutePath().toString(),
                Path.of("target/classes").toAbsolutePath().toString()));
        if (extraDir != null) cp.addAll(jars(extraDir));
        cp.addAll(testClasspath());
        return String.join(File.pathSeparator, cp);
    }

    /**
     * The Connect client and the libraries it does not bundle: the test classpath without classic
     * Spark (core, catalyst, sql, mllib, and sql-api, which the client jar repackages) and without the project.
     */
    static String connectClientClasspath() throws IOException {
        List<String> cp = new ArrayList<>(List.of(Path.of("target/test-classes").toAbsolutePath().toString()));
        cp.addAll(jars("target/connect/client"));
        for (String jar : testClasspath()) {
            String name = Path.of(jar).getFileName().toString();
            if (name.matches("spark-(core|catalyst|sql|sql-api|mllib|mllib-local|streaming|graphx|yarn)_.*")) continue;
            cp.add(jar);
        }
        return String.join(File.pathSeparator, cp);
    }

    private static List<String> testClasspath() throws IOException {
        return List.of(Files.readString(Path.of("target/test-classpath.txt")).trim().split(File.pathSeparator));
    }

    private static List<String> jars(String dir) throws IOException {
        Path d = Path.of(dir);
        assertTrue(Files.isDirectory(d), dir + " is missing: build with mvn (the connect-jars execution) first");
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.toAbsolutePath().toString()).sorted().toList();
        }
    }
}
