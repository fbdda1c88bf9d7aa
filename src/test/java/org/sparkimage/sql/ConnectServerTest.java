package org.sparkimage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.ml.MobileNetV2Classifier;
import org.sparkimage.testing.ForkedProcess;
import org.sparkimage.testing.ReferenceData;

/**
 * A real Spark Connect server (Spark's spark-connect module, {@code spark.sql.extensions} set) on
 * 127.0.0.1 and Spark's JVM Connect client, each in a JVM of its own (their jars shade protobuf
 * differently; the client jar repackages sql-api): the README's queries (the batched
 * {@code classify_images} among them) give the same rows as a classic session, and {@code ml.MobileNetV2Classifier} run through Connect ML (an {@code MlRelation}
 * naming the class) gives the same rows as the classic transformer.
 */
class ConnectServerTest {
    @TempDir
    Path tmp;

    @Test
    void theReadmeQueriesGiveTheClassicResultsThroughConnect() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        try (Stream<Path> s = Files.list(ReferenceData.nsfwDir().resolve("images"))) {
            for (Path p : s.toList()) Files.copy(p, images.resolve(p.getFileName()));
        }
        Files.writeString(images.resolve("notes.jpg"), "not an image at all");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String clientOut;
        try (ForkedProcess server = Jvms.start(tmp.resolve("server.log"), Jvms.projectClasspath("target/connect/server"), ConnectServerMain.class, List.of("" + port))) {
            assertTrue(server.awaitLine("READY"::equals, Duration.ofSeconds(90)), server.output());
            try (ForkedProcess client = Jvms.start(tmp.resolve("client.log"), Jvms.connectClientClasspath(), ConnectClientMain.class,
                    List.of("" + port, images.toString(), tmp.resolve("ctas").toString()))) {
                int exit = client.waitFor(Duration.ofSeconds(120));
                clientOut = client.output();
                assertEquals(0, exit, clientOut + "\n--- server ---\n" + server.output());
            }
        }
        // the same queries in a classic session with the extension
        SparkSession spark = ImageFunctionSession.start();
        try {
            String table = "binaryFile.`" + images + "`";
            Map<String, String> classic = new TreeMap<>();
            for (Row r : spark.sql("SELECT path, classify_image(content).label, classify_image(content).error_code FROM "
                    + table).collectAsList()) {
                classic.put(r.getString(0), r.getString(1) + "\t" + r.getString(2));
            }
            Map<String, String> connect = new TreeMap<>();
            for (String[] f : lines(clientOut, "label")) connect.put(f[1], f[2] + "\t" + f[3]);
            assertEquals(classic, connect);
            assertEquals("null\tNOT_AN_IMAGE", connect.get("file:" + images.resolve("notes.jpg")));
            Map<String, Long> counts = new TreeMap<>();
            for (Row r : spark.sql("SELECT classify_image(content).label, count(*) FROM " + table + " GROUP BY 1").collectAsList()) {
                counts.put(String.valueOf(r.getString(0)), r.getLong(1));
            }
            Map<String, Long> connectCounts = lines(clientOut, "count").stream()
                    .collect(Collectors.toMap(f -> f[1], f -> Long.parseLong(f[2]), (a, b) -> a, TreeMap::new));
            assertEquals(counts, connectCounts);
            assertEquals(List.of("" + classic.size()), lines(clientOut, "ctas").stream().map(f -> f[1]).toList());
            assertEquals(List.of("error EMPTY"), lines(clientOut, "null").stream().map(f -> f[1] + " " + f[2]).toList());
            Map<String, String> tvf = new TreeMap<>();
            for (String[] f : lines(clientOut, "tvf")) tvf.put(f[1], f[2] + "\t" + f[3]);
            assertEquals(classic, tvf, "classify_images through Connect");
            // Connect ML: the transformer, created on the server from its class name, gives the function's rows
            Map<String, String> transformer = new TreeMap<>();
            for (Row r : new MobileNetV2Classifier().setInputCol("content").setTopK(3)
                    .transform(spark.read().format("binaryFile").load(images.toString()))
                    .select("path", "classification.label", "classification.error_code").collectAsList()) {
                transformer.put(r.getString(0), r.getString(1) + "\t" + r.getString(2));
            }
            assertEquals(classic, transformer);
            Map<String, String> connectMl = new TreeMap<>();
            for (String[] f : lines(clientOut, "ml")) connectMl.put(f[1], f[2] + "\t" + f[3]);
            assertEquals(classic, connectMl);
        } finally {
            ImageFunctionSession.restore();
        }
    }

    private static List<String[]> lines(String out, String kind) {
        List<String[]> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith(kind + "\t")) l.add(line.split("\t", -1));
        }
        return l;
    }
}
