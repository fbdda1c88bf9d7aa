package org.sparkimage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.model.DefaultModel;
import org.sparkimage.testing.ForkedProcess;
import org.sparkimage.testing.S3Server;
import org.sparkimage.util.Sha256;

/**
 * {@code classify_image(content, 'model=s3a://...')} reads its model with the session's
 * {@code spark.hadoop.*} settings: a session started with S3Server's endpoint and keys only as such
 * settings (in a JVM of its own, {@link S3ModelSqlMain}) labels images as the shipped model does,
 * from the shipped model's bytes put into a bucket; without the keys the query fails, soon, saying
 * which model it could not read. The secret key shows in neither run's output.
 */
class S3ModelSqlTest {
    private static final String MODEL = "s3a://models/nsfw/model.onnx";

    @TempDir
    Path tmp;

    @Test
    void theModelIsReadWithTheSessionsHadoopSettings() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (String name : List.of("coins.png", "rocket.jpg", "camera.png")) Files.copy(Path.of("samples", name), images.resolve(name));
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"))) {
            s3.put("models", "nsfw/model.onnx", DefaultModel.bytes());

            // Both sessions at once, each in its own JVM: no FileSystem or model cache of one can serve the other.
            long start = System.nanoTime();
            try (ForkedProcess with = start(s3, "with-credentials", images);
                 ForkedProcess without = start(s3, "without-credentials", images)) {
                String out = output(with, 0);
                List<String> rows = out.lines().filter(l -> l.startsWith("ROW\t")).toList();
                assertEquals(3, rows.size(), out);
                String sha = Sha256.hex(DefaultModel.bytes());
                for (String row : rows) {
                    String[] f = row.split("\t");
                    assertTrue(f[2].startsWith("ok:"), row);
                    assertEquals(f[5], f[2], "label of the S3 model vs the shipped default: " + row);
                    assertEquals(Float.parseFloat(f[6]), Float.parseFloat(f[3]), 1e-6f, row);
                    assertEquals(sha, f[4], row);
                }

                String refused = output(without, 3);
                String failed = refused.lines().filter(l -> l.startsWith("FAILED")).findFirst().orElse("");
                assertTrue(failed.contains("classify_image: " + MODEL), refused);
                assertTrue(failed.contains("No AWS credentials"), "says why: " + failed);
                assertTrue(System.nanoTime() - start < 120_000_000_000L, "no hang");
            }
        }
    }

    private ForkedProcess start(S3Server s3, String credentials, Path images) throws Exception {
        return Jvms.start(tmp.resolve(credentials + ".log"), Jvms.projectClasspath(null), S3ModelSqlMain.class,
                List.of("" + s3.port(), credentials, MODEL, images.toString()));
    }

    /** A finished run's output, after checking its exit status and that the secret key is not in it. */
    private static String output(ForkedProcess jvm, int expectedExit) throws InterruptedException {
        int exit = jvm.waitFor(Duration.ofSeconds(120));
        String out = jvm.output();
        assertEquals(expectedExit, exit, out);
        assertFalse(out.contains(S3Server.SECRET_KEY), "the secret key is in the output");
        return out;
    }
}
