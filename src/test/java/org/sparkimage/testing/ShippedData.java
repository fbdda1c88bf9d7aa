package org.sparkimage.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.sparkimage.util.Sha256;

/**
 * The test data that ships with the project ({@code src/test/data}), laid out like the shared
 * reference folders in a folder of this JVM under {@code target/}:
 * <ul>
 * <li>{@code nsfw-mobilenetv2/}: the shipped photographs, tensors and features, plus the photographs
 * that {@code samples/} already carries (same bytes, reference names: {@code samples/<x>} is
 * {@code images/skimage__<x>}), each checked against the sha256 of its expected.jsonl line;</li>
 * <li>{@code bad-inputs/}: the shipped hostile files (sha256 checked) plus the ones
 * {@link HostileFiles} makes, and a manifest.tsv with the sizes and hashes of both.</li>
 * </ul>
 */
final class ShippedData {
    private static Path work;
    private static Path nsfw;
    private static Path badInputs;

    private ShippedData() {
    }

    /** The project directory (surefire's working directory; failsafe also sets sparkimage.root). */
    static Path root() {
        return Path.of(System.getProperty("sparkimage.root", ".")).toAbsolutePath().normalize();
    }

    static Path source() {
        Path src = root().resolve("src/test/data");
        if (!Files.isDirectory(src)) fail("shipped test data missing: " + src);
        return src;
    }

    private static synchronized Path work() throws IOException {
        if (work == null) {
            Path target = Files.createDirectories(root().resolve("target"));
            work = Files.createTempDirectory(target, "test-data-");
            Path made = work;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(made)));
        }
        return work;
    }

    static synchronized Path nsfwDir() {
        if (nsfw == null) {
            try {
                nsfw = makeNsfw(source().resolve("nsfw-mobilenetv2"), work().resolve("nsfw-mobilenetv2"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return nsfw;
    }

    static synchronized Path badInputsDir() {
        if (badInputs == null) {
            try {
                badInputs = makeBadInputs(source().resolve("bad-inputs"), work().resolve("bad-inputs"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return badInputs;
    }

    private static Path makeNsfw(Path src, Path dir) throws IOException {
        copyTree(src, dir);
        for (ReferenceData.Expected e : ReferenceData.nsfwExpected(dir)) {
            Path image = dir.resolve(e.file());
            if (!Files.exists(image)) {
                String name = e.fileName();
                if (!name.startsWith("skimage__")) fail(e.file() + " is neither in src/test/data nor in samples/");
                Path sample = root().resolve("samples").resolve(name.substring("skimage__".length()));
                if (!Files.isRegularFile(sample)) fail(e.file() + ": expected at " + sample);
                Files.copy(sample, image);
            }
            assertEquals(e.json().get("sha256"), Sha256.hex(Files.readAllBytes(image)), e.file() + " sha256");
            assertEquals(e.json().get("features_sha256"), Sha256.hex(Files.readAllBytes(dir.resolve(e.featuresFile()))),
                    e.featuresFile() + " sha256");
            if (e.tensorFile() != null) {
                assertEquals(e.tensorSha256(), Sha256.hex(Files.readAllBytes(dir.resolve(e.tensorFile()))), e.tensorFile() + " sha256");
            }
        }
        return dir;
    }

    private static Path makeBadInputs(Path src, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> lines = Files.readAllLines(src.resolve("manifest.tsv"), StandardCharsets.UTF_8);
        HostileFiles recipes = new HostileFiles(src, root().resolve("samples"));
        List<String> out = new ArrayList<>();
        out.add(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] row = line.split("\t", -1);
            assertEquals(9, row.length, "manifest columns: " + line);
            Path shipped = src.resolve(row[0]);
            byte[] data;
            if (Files.isRegularFile(shipped)) {
                data = Files.readAllBytes(shipped);
                assertEquals(row[8], Sha256.hex(data), row[0] + " sha256 (shipped file)");
            } else {
                assertEquals("-", row[8], row[0] + " is not shipped, so its manifest row must say it is generated (sha256 -)");
                data = recipes.make(row[0]);
                row[7] = Long.toString(data.length);
                row[8] = Sha256.hex(data);
            }
            Files.write(dir.resolve(row[0]), data);
            out.add(String.join("\t", row));
        }
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                assertTrue(n.equals("manifest.tsv") || n.equals("SOURCES.md") || Files.exists(dir.resolve(n)),
                        "shipped file without a manifest row: " + n);
            }
        }
        Files.write(dir.resolve("manifest.tsv"), out, StandardCharsets.UTF_8);
        return dir;
    }

    private static void copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path to = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit; target/ is the build folder anyway
        }
    }
}
