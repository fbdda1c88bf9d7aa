package org.sparkimage.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestJson;
import org.sparkimage.testing.TestSpark;

/**
 * The agreement harness end to end on the shipped photographs (real Spark jobs, libjpeg-turbo,
 * ONNX Runtime): the default settings keep the reference path's labels (the study's acceptance:
 * no confident flip, p99 |dp| at most 0.05), and the harness does see what the opt-in scaled
 * decode changes.
 */
class AgreementCommandTest {
    @TempDir
    Path tmp;

    private Map<?, ?> run(String a, String b, String... more) throws Exception {
        return run(images(), a, b, more);
    }

    private Map<?, ?> run(Path images, String a, String b, String... more) throws Exception {
        TestSpark.session(); // the command uses the running session and leaves it running
        Path json = tmp.resolve("agreement.json");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("--images", images.toString(), "--a", a, "--b", b,
                "--json", json.toString(), "--work", tmp.resolve("work").toString(), "--master", "local[2]"));
        args.addAll(List.of(more));
        int exit = AgreementCommand.execute(new PrintStream(log, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
        String out = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(out.contains("top-1, margin > 0.2"), out);
        return (Map<?, ?>) TestJson.parse(Files.readString(json));
    }

    private static Path images() {
        return ReferenceData.nsfwDir().resolve("images");
    }

    private static long files() throws IOException {
        return files(images());
    }

    private static long files(Path images) throws IOException {
        try (Stream<Path> s = Files.list(images)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theDefaultDecodeKeepsTheReferenceLabels() throws Exception {
        assertKeepsTheLabels(images());
    }

    /** The same on the 73 reference photographs (skipped without the shared folder). */
    @Test
    void theDefaultDecodeKeepsTheLabelsOfTheFullReferenceSet() throws Exception {
        assertKeepsTheLabels(ReferenceData.fullNsfwDir().resolve("images"));
    }

    private void assertKeepsTheLabels(Path images) throws Exception {
        Map<?, ?> agreement = (Map<?, ?>) run(images, "--decode full", "", "--speed-rounds", "0").get("agreement");
        assertEquals((double) files(images), (Double) agreement.get("compared"));
        assertEquals(List.of(), agreement.get("errors"));
        assertTrue((Double) agreement.get("confident") > 0);
        assertEquals(0.0, (Double) agreement.get("confident_flips"));
        assertTrue((Double) ((Map<?, ?>) agreement.get("delta_p")).get("p99") <= 0.05, agreement.toString());
    }

    @Test
    void seesWhatTheScaledDecodeChanges() throws Exception {
        Map<?, ?> report = run("--decode full", "--decode scaled --batch-size 4", "--speed-rounds", "1", "--speed-seconds", "0.2");
        Map<?, ?> agreement = (Map<?, ?>) report.get("agreement");
        assertEquals((double) files(), (Double) agreement.get("compared"));
        Map<?, ?> delta = (Map<?, ?>) agreement.get("delta_p");
        // The shipped JPEGs that are at least twice the model input decode at 1/2..1/8 scale: their probabilities move.
        assertTrue((Double) delta.get("max") > 1e-3, delta.toString());
        assertTrue((Double) delta.get("mean") < (Double) delta.get("max"), delta.toString());
        Map<?, ?> speed = (Map<?, ?>) report.get("decode_speed");
        assertTrue((Double) ((Map<?, ?>) speed.get("b")).get("ratio_to_a") > 0, speed.toString());
        assertEquals(1.0, (Double) ((Map<?, ?>) speed.get("a")).get("ratio_to_a"), 1e-12);
    }
}
