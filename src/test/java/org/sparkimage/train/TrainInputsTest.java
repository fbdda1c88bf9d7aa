package org.sparkimage.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@code train} reads besides class folders (a path,label table, corrections, tar shards,
 * files that do not decode) and what it refuses, with the exit status and nothing written.
 */
class TrainInputsTest {
    @TempDir
    Path tmp;

    /** The first {@code n} images of each named class of the shipped set, copied into {@code root/<class>/}. */
    private static Path classes(Path root, int n, String... names) throws IOException {
        for (String c : names) {
            Path dir = Files.createDirectories(root.resolve(c));
            try (Stream<Path> s = Files.list(TrainCommandTest.labeledSet().resolve(c)).sorted().limit(n)) {
                for (Path p : s.toList()) Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return root;
    }

    private static String run(int expectedExit, String... args) {
        StringBuilder c = new StringBuilder();
        int exit = TrainCommandTest.train(c, args);
        assertEquals(expectedExit, exit, c.toString());
        return c.toString();
    }

    /**
     * A CSV table with relative paths, a corrections table that relabels one file and removes
     * another, a tar shard in a class folder (its members take the class) and a file that does not
     * decode (an error row, left out, listed in the report); the classes end up imbalanced, so
     * balanced class weights.
     */
    @Test
    void labelTableCorrectionsTarShardsAndBrokenFiles() throws Exception {
        TestSpark.session();
        Path data = classes(tmp.resolve("data"), 8, "animal", "flag", "food");
        Files.writeString(data.resolve("food/broken.jpg"), "not a jpeg");
        // six flag images move into a shard; the table names its members
        Path shard = data.resolve("flag/shard.tar");
        List<Path> flags;
        try (Stream<Path> s = Files.list(data.resolve("flag")).filter(p -> p.toString().endsWith(".jpg")).sorted().limit(6)) {
            flags = s.toList();
        }
        List<String> cmd = new java.util.ArrayList<>(List.of("tar", "--format=ustar", "-cf", shard.toString(), "-C",
                data.resolve("flag").toString()));
        flags.forEach(p -> cmd.add(p.getFileName().toString()));
        Process tar = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(tar.getInputStream().readAllBytes());
        assertTrue(tar.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && tar.exitValue() == 0, "system tar: " + log);
        for (Path p : flags) Files.delete(p);
        StringBuilder csv = new StringBuilder("path,label\n");
        try (Stream<Path> s = Files.walk(data).filter(Files::isRegularFile).sorted()) {
            for (Path p : s.toList()) {
                String rel = data.relativize(p).toString();
                if (rel.endsWith(".tar")) {
                    for (Path m : flags) csv.append(rel).append('/').append(m.getFileName()).append(",flag\n");
                } else {
                    csv.append(rel).append(',').append(rel.substring(0, rel.indexOf('/'))).append('\n');
                }
            }
        }
        Path table = Files.writeString(data.resolve("labels.csv"), csv);
        String animal0;
        String animal1;
        try (Stream<Path> s = Files.list(data.resolve("animal")).sorted()) {
            List<String> a = s.map(p -> data.relativize(p).toString()).toList();
            animal0 = a.get(0);
            animal1 = a.get(1);
        }
        Path corrections = Files.writeString(tmp.resolve("corrections.csv"),
                "path,label\n" + data.resolve(animal0) + ",food\n" + data.resolve(animal1) + ",\n" + data.resolve("nowhere.jpg") + ",food\n");
        Path out = tmp.resolve("out");
        run(0, "--labels", table.toString(), "--corrections", corrections.toString(), "--output", out.toString(),
                "--reg-params", "0.1", "--folds", "2", "--class-weights", "balanced");
        JsonNode m = JsonFiles.parse(Files.readString(out.resolve(Training.METRICS_FILE)));
        assertTrue(m.path("mllib").path("class_weights").asText().startsWith("balanced"), m.path("mllib").toString());
        JsonNode d = m.path("data");
        assertEquals(1, d.path("labels_corrected").asLong());
        assertEquals(1, d.path("files_removed_by_corrections").asLong());
        assertEquals(1, d.path("corrections_matching_no_file").asLong());
        assertEquals(1, d.path("failed").asLong());
        assertEquals("NOT_AN_IMAGE", m.path("failed_files").get(0).path("error_code").asText());
        assertTrue(m.path("failed_files").get(0).path("path").asText().endsWith("broken.jpg"));
        JsonNode counts = m.path("images_per_class");
        assertEquals(6, counts.path("animal").path("images").asLong(), "8 - 1 relabeled - 1 removed");
        assertEquals(8, counts.path("flag").path("images").asLong(), "2 loose + 6 tar members");
        assertEquals(9, counts.path("food").path("images").asLong(), "8 + 1 relabeled; the broken file left out");
        String report = Files.readString(out.resolve(Training.REPORT_FILE));
        assertTrue(report.contains("broken.jpg") && report.contains("id=\"confusion\"") && report.contains("id=\"curve\""));
    }

    @Test
    void aClassWithOneImageIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path data = classes(tmp.resolve("data"), 3, "animal", "flag");
        classes(data, 1, "food");
        Path out = tmp.resolve("out");
        String console = run(2, "--input", data.toString(), "--output", out.toString());
        assertTrue(console.contains("food (1)"), console);
        assertFalse(Files.exists(out));
    }

    @Test
    void oneClassIsRefused() throws IOException {
        Path data = classes(tmp.resolve("data"), 3, "animal");
        String console = run(2, "--input", data.toString(), "--output", tmp.resolve("out").toString());
        assertTrue(console.contains("at least 2 classes"), console);
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void nullLabelsAreRefused() throws IOException {
        Path data = classes(tmp.resolve("data"), 2, "animal", "flag");
        Path table = Files.writeString(tmp.resolve("labels.csv"), "path,label\n"
                + data.resolve("animal").toFile().listFiles()[0] + ",animal\n" + data.resolve("flag").toFile().listFiles()[0] + ",\n");
        String console = run(2, "--labels", table.toString(), "--output", tmp.resolve("out").toString());
        assertTrue(console.contains("1 rows have no label"), console);
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void anEmptyFolderIsRefused() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String console = run(3, "--input", empty.toString(), "--output", tmp.resolve("out").toString());
        assertTrue(console.contains("no image files in class folders"), console);
        run(3, "--input", tmp.resolve("missing").toString(), "--output", tmp.resolve("out").toString());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void aBackboneThatIsNotAMobileNetV2IsRefused() throws IOException {
        Path data = classes(tmp.resolve("data"), 2, "animal", "flag");
        Path notAModel = Files.write(tmp.resolve("model.onnx"), new byte[] {8, 7, 18, 4, 't', 'e', 's', 't'});
        String console = run(5, "--input", data.toString(), "--output", tmp.resolve("out").toString(), "--model", notAModel.toString());
        assertTrue(console.contains("cannot use model"), console);
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void anExistingOutputNeedsOverwriteAndKeepsItUntilTheInputIsChecked() throws IOException {
        Path data = classes(tmp.resolve("data"), 2, "animal", "flag");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path earlier = Files.writeString(out.resolve("model.onnx"), "an earlier run's model");
        String console = run(4, "--input", data.toString(), "--output", out.toString());
        assertTrue(console.contains("--overwrite"), console);
        run(2, "--input", data.toString(), "--output", out.toString(), "--folds", "1");
        // --overwrite with labels no head can learn: refused before the earlier output is touched
        Path oneClass = classes(tmp.resolve("one"), 3, "face");
        run(2, "--input", oneClass.toString(), "--output", out.toString(), "--overwrite");
        assertEquals("an earlier run's model", Files.readString(earlier));
    }
}
