package org.sparkimage.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.output.JobSummary;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.testing.TestSpark;

/**
 * Tar shards (WebDataset style; plain and gzipped) as input, made with the system {@code tar}: one row per member
 * named {@code <shard>/<member>}, the same predictions as the same images as loose files, error
 * rows for bad members and broken shards, and resume at shard granularity.
 */
class TarInputTest {
    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    @TempDir
    Path tmp;

    @Test
    void shardMembersGiveTheSamePredictionsAsLooseFilesAndBadMembersErrorRows() throws Exception {
        Path loose = Files.createDirectories(tmp.resolve("loose"));
        List<String> names = copySamples(loose, Integer.MAX_VALUE);
        assertTrue(names.size() >= 5, "samples");
        Files.writeString(loose.resolve("notes.txt"), "a caption, not an image");
        Files.createSymbolicLink(loose.resolve("link.jpg"), loose.resolve(names.get(0)).getFileName());

        Path shards = Files.createDirectories(tmp.resolve("shards"));
        tar(loose, shards.resolve("shard-000.tar"), "gnu", names.subList(0, 3));
        List<String> rest = new ArrayList<>(names.subList(3, names.size()));
        rest.addAll(List.of("notes.txt", "link.jpg"));
        tar(loose, shards.resolve("shard-001.tar"), "pax", rest);
        // Cut inside the second member's data: the first member is fine, the second TRUNCATED.
        tar(loose, tmp.resolve("full.tar"), "ustar", names.subList(0, 2));
        byte[] full = Files.readAllBytes(tmp.resolve("full.tar"));
        int cut = 512 + pad(Files.size(loose.resolve(names.get(0)))) + 512 + 100;
        Files.write(shards.resolve("cut.tar"), Arrays.copyOf(full, cut));
        Files.writeString(shards.resolve("fake.tar"), "this is not a tar archive, it only has the name");
        Files.write(shards.resolve("empty.tar"), new byte[10240]);
        Files.copy(loose.resolve(names.stream().filter(n -> n.endsWith(".jpg")).findFirst().orElseThrow()), shards.resolve("photo.tar"));
        // Cut inside the third header, after two whole members.
        tar(loose, tmp.resolve("three.tar"), "ustar", names.subList(0, 3));
        int twoMembers = 512 + pad(Files.size(loose.resolve(names.get(0)))) + 512 + pad(Files.size(loose.resolve(names.get(1))));
        Files.write(shards.resolve("header-cut.tar"), Arrays.copyOf(Files.readAllBytes(tmp.resolve("three.tar")), twoMembers + 200));

        JobSummary summary = ClassificationJob.run(TestSpark.session(), JobOptions.of(shards.toString(), tmp.resolve("out").toString()), QUIET);
        Map<String, Row> rows = byPath(tmp.resolve("out/predictions"));
        String base = "file:" + shards;
        assertEquals(names.size() + 2 + 2 + 2 + 1 + 3, rows.size(), rows.keySet().toString());
        assertEquals(rows.size(), summary.counts().images());
        assertEquals("NOT_AN_IMAGE", rows.get(base + "/shard-001.tar/notes.txt").getAs("error_code"));
        assertEquals("NOT_AN_IMAGE", rows.get(base + "/shard-001.tar/link.jpg").getAs("error_code"));
        assertTrue(rows.get(base + "/shard-001.tar/link.jpg").<String>getAs("error_message").contains("symbolic link"));
        assertEquals("ok", rows.get(base + "/cut.tar/" + names.get(0)).getAs("status"));
        assertEquals("TRUNCATED", rows.get(base + "/cut.tar/" + names.get(1)).getAs("error_code"));
        assertEquals("CORRUPT", rows.get(base + "/fake.tar").getAs("error_code"));
        assertEquals("EMPTY", rows.get(base + "/empty.tar").getAs("error_code"));
        assertEquals("CORRUPT", rows.get(base + "/photo.tar").getAs("error_code"));
        assertTrue(rows.get(base + "/photo.tar").<String>getAs("error_message").contains("not a readable tar archive"));
        assertEquals("ok", rows.get(base + "/header-cut.tar/" + names.get(1)).getAs("status"));
        assertEquals("TRUNCATED", rows.get(base + "/header-cut.tar").getAs("error_code"));
        assertTrue(rows.get(base + "/header-cut.tar").<String>getAs("error_message").contains("after 2 members"));

        ClassificationJob.run(TestSpark.session(), JobOptions.of(loose.toString(), tmp.resolve("loose-out").toString()), QUIET);
        Map<String, Row> files = byPath(tmp.resolve("loose-out/predictions"));
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Row f = files.get("file:" + loose + "/" + name);
            Row t = rows.get(base + (i < 3 ? "/shard-000.tar/" : "/shard-001.tar/") + name);
            assertEquals("ok", f.getAs("status"), name);
            for (String c : List.of("status", "width", "height", "label", "probability", "top_k", "file_size")) {
                assertEquals(f.<Object>getAs(c), t.<Object>getAs(c), name + " " + c);
            }
        }
    }

    /** A folder of loose files and shards: each kind is its own source, and together they give one row per image. */
    @Test
    void looseFilesAndShardsInOneFolder() throws Exception {
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        List<String> names = copySamples(mixed, 3);
        tar(mixed, mixed.resolve("shard.tar"), "ustar", names.subList(0, 2));
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        JobSummary summary = ClassificationJob.run(TestSpark.session(), JobOptions.of(mixed.toString(), tmp.resolve("mixed-out").toString()),
                new PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Row> rows = byPath(tmp.resolve("mixed-out/predictions"));
        assertEquals(3 + 2, rows.size(), rows.keySet().toString());
        assertEquals(5, summary.counts().images());
        assertEquals(5, summary.counts().ok());
        String base = "file:" + mixed;
        for (String n : names.subList(0, 2)) {
            assertEquals(rows.get(base + "/" + n).<String>getAs("label"), rows.get(base + "/shard.tar/" + n).getAs("label"));
        }
        String console = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(console.contains("classifying 3 files") && console.contains("classifying 1 tar shards"), console);
    }

    @Test
    void gzippedShardsAreReadLikePlainOnes() throws Exception {
        Path loose = Files.createDirectories(tmp.resolve("loose"));
        List<String> names = copySamples(loose, 3);
        Path shards = Files.createDirectories(tmp.resolve("shards"));
        tar(loose, shards.resolve("a.tar.gz"), "gnu", names, "-z");
        tar(loose, shards.resolve("b.TGZ"), "pax", names.subList(0, 1), "-z");
        byte[] gz = Files.readAllBytes(shards.resolve("a.tar.gz"));
        Files.write(shards.resolve("cut.tgz"), Arrays.copyOf(gz, gz.length / 2));
        Files.writeString(shards.resolve("fake.tgz"), "not gzip at all");

        ClassificationJob.run(TestSpark.session(), JobOptions.of(shards.toString(), tmp.resolve("out").toString()), QUIET);
        Map<String, Row> rows = byPath(tmp.resolve("out/predictions"));
        String base = "file:" + shards;
        for (String n : names) assertEquals("ok", rows.get(base + "/a.tar.gz/" + n).getAs("status"), n);
        assertEquals("ok", rows.get(base + "/b.TGZ/" + names.get(0)).getAs("status"));
        assertEquals("CORRUPT", rows.get(base + "/fake.tgz").getAs("error_code"));
        Row cut = rows.get(base + "/cut.tgz");
        assertEquals("TRUNCATED", cut.getAs("error_code"), String.valueOf(cut));
        long cutMembers = rows.keySet().stream().filter(p -> p.startsWith(base + "/cut.tgz/")).count();
        assertTrue(cutMembers < names.size(), "a cut archive lost members: " + cutMembers);
        assertEquals(names.size() + 1 + 1 + 1 + cutMembers, rows.size(), rows.keySet().toString());
    }

    @Test
    void resumeCountsAShardDoneOnceAndRelabelsAChangedOne() throws Exception {
        Path loose = Files.createDirectories(tmp.resolve("loose"));
        List<String> names = copySamples(loose, 4);
        Path shards = Files.createDirectories(tmp.resolve("shards"));
        tar(loose, shards.resolve("a.tar"), "gnu", names.subList(0, 2));
        tar(loose, shards.resolve("b.tar"), "gnu", names.subList(2, 4));
        Files.copy(loose.resolve(names.get(0)), shards.resolve("single.jpg"));
        String out = tmp.resolve("out").toString();
        ClassificationJob.run(TestSpark.session(), JobOptions.of(shards.toString(), out), QUIET);

        JobSummary again = ClassificationJob.run(TestSpark.session(), JobOptions.of(shards.toString(), out).resuming(JobOptions.DEFAULT_COMMIT_EVERY), QUIET);
        assertEquals(0, again.counts().labeled());
        assertEquals(5, again.resume().kept());
        assertEquals(0, again.resume().staleDropped());

        Files.setLastModifiedTime(shards.resolve("b.tar"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        JobSummary changed = ClassificationJob.run(TestSpark.session(), JobOptions.of(shards.toString(), out).resuming(JobOptions.DEFAULT_COMMIT_EVERY), QUIET);
        assertEquals(2, changed.counts().labeled());
        assertEquals(3, changed.resume().kept());
        assertEquals(2, changed.resume().staleDropped());
        Map<String, Row> rows = byPath(tmp.resolve("out/predictions"));
        assertEquals(5, rows.size());
        assertNull(rows.get("file:" + shards + "/b.tar"), "no row for the shard itself");
    }

    /** Copies the first {@code limit} sample photos (by name) into {@code dir}; their names. */
    private static List<String> copySamples(Path dir, int limit) throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            for (Path p : s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().limit(limit).toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
                names.add(p.getFileName().toString());
            }
        }
        return names;
    }

    private static int pad(long size) {
        return (int) ((size + 511) / 512 * 512);
    }

    private static void tar(Path dir, Path archive, String format, List<String> members, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tar", "--format=" + format));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-cf", archive.toString(), "-C", dir.toString()));
        cmd.addAll(members);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tar finished");
        assertEquals(0, p.exitValue(), "system tar: " + log);
    }

    private static Map<String, Row> byPath(Path predictions) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(predictions.toString()).collectAsList()) {
            assertNull(m.put(r.getAs("path"), r), "duplicate " + r.getAs("path"));
        }
        return m;
    }
}
