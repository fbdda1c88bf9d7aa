package org.sparkimage.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.CurateCommand;
import org.sparkimage.testing.DevToolsBrowser;
import org.sparkimage.testing.TestSpark;
import org.sparkimage.train.LabeledInput;
import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code curate} end to end on the shipped labeled set (375 emoji renders, 6 classes) with labels
 * moved at random and planted copies, through a real local Spark, real ONNX Runtime, real MLlib and
 * a real headless Chromium:
 * <ul>
 *   <li>8 % of the originals' labels are moved to another class (seeded); the finder must find most
 *   of them, and few others;</li>
 *   <li>10 originals get the four copies the issue names (2/3 resize, JPEG 60, 6 % crop, +15 %
 *   brightness) and one more file is a byte-for-byte copy; the duplicate groups must hold the
 *   planted pairs and little else;</li>
 *   <li>the exports and the review page are checked field by field, and the page's decisions,
 *   downloaded by the browser, are read back as labels.</li>
 * </ul>
 * The figures against scikit-learn's reference and the method table are docs/curation.md's; the
 * bounds here are below what was measured, so that the test fails when the method breaks, not when
 * a seed moves.
 */
class CurateCommandTest {
    @TempDir
    static Path tmp;
    static Path out;
    static String console;
    static JsonNode summary;
    /** path (as the output names it) -> label given in the table. */
    static final Map<String, String> given = new TreeMap<>();
    static final Set<String> moved = new HashSet<>();
    /** Planted pairs (original, copy) and (copy, copy) of one original, each sorted. */
    static final Set<List<String>> planted = new HashSet<>();
    static String exactCopy;
    static String exactOriginal;

    static Path labeledSet() {
        return Path.of(System.getProperty("sparkimage.root", ".")).toAbsolutePath().normalize().resolve("src/test/data/labeled");
    }

    static int curate(StringBuilder log, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--master", "local[2]", "--progress-seconds", "0"));
        int exit = CurateCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
        log.append(buf.toString(StandardCharsets.UTF_8));
        return exit;
    }

    /** The path as the listing and the output name it. */
    static String uri(Path p) {
        return "file:" + p.toAbsolutePath();
    }

    @BeforeAll
    static void curateAMessedUpSet() throws IOException {
        TestSpark.session();
        Map<String, String> truth = new TreeMap<>();
        try (Stream<Path> files = Files.walk(labeledSet())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList()) {
                truth.put(uri(f), f.getParent().getFileName().toString());
            }
        }
        List<String> classes = truth.values().stream().distinct().sorted().toList();
        List<String> originals = new ArrayList<>(truth.keySet());
        Path copies = Files.createDirectories(tmp.resolve("copies"));
        Random random = new Random(1);
        List<String> shuffled = new ArrayList<>(originals);
        java.util.Collections.shuffle(shuffled, random);
        for (String o : shuffled.subList(0, 10)) {
            Path original = Path.of(java.net.URI.create("file://" + o.substring("file:".length())));
            List<String> group = new ArrayList<>(List.of(o));
            for (Path c : PlantedCopies.make(original, copies).values()) {
                given.put(uri(c), truth.get(o));
                group.add(uri(c));
            }
            for (int i = 0; i < group.size(); i++) {
                for (int j = i + 1; j < group.size(); j++) planted.add(sorted(group.get(i), group.get(j)));
            }
        }
        exactOriginal = shuffled.get(10);
        Path exact = copies.resolve("exact-copy.jpg");
        Files.copy(Path.of(exactOriginal.substring("file:".length())), exact);
        exactCopy = uri(exact);
        given.put(exactCopy, truth.get(exactOriginal));
        planted.add(sorted(exactOriginal, exactCopy));
        // 8 % of the other originals get another class, chosen at random.
        given.putAll(truth);
        for (String o : shuffled.subList(11, 11 + Math.round(originals.size() * 0.08f))) {
            List<String> others = new ArrayList<>(classes);
            others.remove(truth.get(o));
            given.put(o, others.get(random.nextInt(others.size())));
            moved.add(o);
        }
        StringBuilder csv = new StringBuilder("path,label\n");
        given.forEach((p, l) -> csv.append(p.substring("file:".length())).append(',').append(l).append('\n'));
        Path labels = tmp.resolve("labels.csv");
        Files.writeString(labels, csv);
        out = tmp.resolve("curation");
        StringBuilder c = new StringBuilder();
        int exit = curate(c, "--labels", labels.toString(), "--output", out.toString(), "--folds", "3", "--reg-params", "0.1,1",
                "--image-url-prefix", "https://images.example/set", "--image-root", tmp.toString());
        console = c.toString();
        System.out.println(console);
        assertEquals(0, exit, console);
        summary = JsonFiles.parse(Files.readString(out.resolve(Curation.SUMMARY)));
    }

    static List<String> sorted(String a, String b) {
        return a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a);
    }

    static List<Row> table(String name) {
        return TestSpark.session().read().parquet(out.resolve(name).toString()).collectAsList();
    }

    @Test
    void labelIssuesFindTheMovedLabels() {
        List<Row> issues = table(Curation.LABEL_ISSUES);
        Set<String> flagged = new HashSet<>();
        for (Row r : issues) flagged.add(r.getAs("path"));
        long hits = flagged.stream().filter(moved::contains).count();
        double precision = (double) hits / flagged.size();
        double recall = (double) hits / moved.size();
        System.out.printf("label issues: %d flagged, %d of %d moved found: precision %.3f recall %.3f%n", flagged.size(), hits,
                moved.size(), precision, recall);
        // Measured with these seeds: docs/curation.md. Chance would be a precision of 0.08.
        assertTrue(recall >= 0.45, "recall " + recall);
        assertTrue(precision >= 0.25, "precision " + precision);
        for (Row r : issues) {
            assertEquals(given.get((String) r.getAs("path")), r.getAs(LabelIssues.GIVEN));
            assertFalse(r.getAs(LabelIssues.GIVEN).equals(r.getAs(LabelIssues.SUGGESTED)));
            assertFalse(((String) r.getAs(LabelIssues.REASON)).isBlank());
        }
        List<Row> byRank = issues.stream().sorted(java.util.Comparator.comparingLong(r -> r.getAs(LabelIssues.RANK))).toList();
        for (int i = 0; i < byRank.size(); i++) {
            assertEquals(i + 1L, (long) byRank.get(i).getAs(LabelIssues.RANK));
            if (i > 0) {
                assertTrue((double) byRank.get(i).getAs(LabelIssues.SELF_CONFIDENCE)
                        >= (double) byRank.get(i - 1).getAs(LabelIssues.SELF_CONFIDENCE));
            }
        }
        long offDiagonal = 0;
        JsonNode joint = summary.path("label_issues").path("confident_joint");
        for (int i = 0; i < joint.size(); i++) for (int j = 0; j < joint.size(); j++) if (i != j) offDiagonal += joint.get(i).get(j).asLong();
        assertEquals(issues.size(), offDiagonal);
        assertEquals(issues.size(), summary.path("label_issues").path("issues").asLong());
    }

    /** One row per labeled image, probabilities that sum to 1, and the columns derived from them. */
    @Test
    void outOfSampleRowsAndUncertainty() {
        List<Row> rows = table(Curation.OUT_OF_SAMPLE);
        assertEquals(given.size(), rows.size());
        List<String> classes = new ArrayList<>();
        summary.path("classes").forEach(n -> classes.add(n.asText()));
        for (Row r : rows) {
            List<Double> p = r.getList(r.fieldIndex(CrossFit.PROBABILITIES));
            assertEquals(1.0, p.stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
            String g = r.getAs(LabelIssues.GIVEN);
            assertEquals(given.get((String) r.getAs("path")), g);
            assertEquals(p.get(classes.indexOf(g)), (double) r.getAs(LabelIssues.SELF_CONFIDENCE), 1e-12);
            List<Double> s = new ArrayList<>(p);
            s.sort(java.util.Comparator.reverseOrder());
            assertEquals(1 - s.get(0), (double) r.getAs(Uncertainty.LEAST_CONFIDENCE), 1e-12);
            assertEquals(s.get(0) - s.get(1), (double) r.getAs(Uncertainty.MARGIN), 1e-12);
            assertEquals(-p.stream().mapToDouble(x -> x > 0 ? x * Math.log(x) : 0).sum(), (double) r.getAs(Uncertainty.ENTROPY), 1e-9);
            assertEquals(classes.get(p.indexOf(s.get(0))), r.getAs(LabelIssues.PREDICTED));
            int fold = r.getAs(CrossFit.FOLD);
            assertTrue(fold >= 0 && fold < 3);
        }
    }

    @Test
    void plantedCopiesAreGroupedAndLittleElse() {
        Map<Long, List<Row>> groups = new TreeMap<>();
        for (Row r : table(Curation.DUPLICATES)) groups.computeIfAbsent(r.getAs(Duplicates.GROUP), g -> new ArrayList<>()).add(r);
        Set<List<String>> found = new HashSet<>();
        for (List<Row> g : groups.values()) {
            String representative = g.stream().map(r -> (String) r.getAs("path")).sorted().findFirst().orElseThrow();
            for (Row r : g) {
                assertEquals(representative, r.getAs(Duplicates.REPRESENTATIVE));
                assertEquals(g.size(), (long) r.getAs(Duplicates.SIZE));
            }
            for (int i = 0; i < g.size(); i++) {
                for (int j = i + 1; j < g.size(); j++) found.add(sorted(g.get(i).getAs("path"), g.get(j).getAs("path")));
            }
        }
        long hits = found.stream().filter(planted::contains).count();
        double recall = (double) hits / planted.size();
        double precision = found.isEmpty() ? 0 : (double) hits / found.size();
        System.out.printf("duplicates: %d groups, %d pairs, %d of %d planted pairs: precision %.3f recall %.3f%n", groups.size(),
                found.size(), hits, planted.size(), precision, recall);
        // The issue's goal is 0.9 / 0.9; this backbone's embeddings do not reach it on emoji renders at any threshold
        // (precision / recall measured here 0.25 / 0.35 on this planted set, 0.61 / 0.52 on a larger one: docs/curation.md; an exact all-pairs
        // search does no better, see the next test). The bounds
        // are below that, so that they catch a broken search, not a seed.
        assertTrue(recall >= 0.25, "recall " + recall + " over planted pairs");
        assertTrue(precision >= 0.15, "precision " + precision + " over planted pairs");
        Row copy = table(Curation.DUPLICATES).stream().filter(r -> exactCopy.equals(r.getAs("path"))).findFirst().orElseThrow();
        assertTrue((boolean) copy.getAs(Duplicates.EXACT), "the byte-for-byte copy");
        assertEquals(1.0, (double) copy.getAs(Duplicates.SIMILARITY), 1e-9);
        assertEquals(1, summary.path("duplicates").path("exact_pairs").asLong());
    }

    /**
     * The LSH loses nothing an exact search finds: every pair of images whose centred cosine
     * reaches the threshold, by brute force over all pairs, lies in one duplicate group.
     */
    @Test
    void theHashSearchKeepsWhatAnExactSearchFinds() {
        SparkSession spark = TestSpark.session();
        org.apache.spark.sql.Dataset<Row> rows = spark.read().parquet(out.resolve("embeddings/rows").toString())
                .filter("status = 'ok'").select("path", "embedding");
        List<Row> unit = NearDuplicates.DEFAULTS.unitVectors(rows, "path", "embedding").collectAsList();
        Map<String, Long> groupOf = new HashMap<>();
        table(Curation.DUPLICATES).forEach(r -> groupOf.put(r.getAs("path"), r.getAs(Duplicates.GROUP)));
        int exact = 0;
        int kept = 0;
        for (int i = 0; i < unit.size(); i++) {
            double[] a = ((org.apache.spark.ml.linalg.Vector) unit.get(i).get(1)).toArray();
            for (int j = i + 1; j < unit.size(); j++) {
                double[] b = ((org.apache.spark.ml.linalg.Vector) unit.get(j).get(1)).toArray();
                double cos = 0;
                for (int k = 0; k < a.length; k++) cos += a[k] * b[k];
                if (cos < NearDuplicates.DEFAULTS.threshold()) continue;
                exact++;
                Long ga = groupOf.get(unit.get(i).getString(0));
                if (ga != null && ga.equals(groupOf.get(unit.get(j).getString(0)))) kept++;
            }
        }
        System.out.printf("exact search: %d pairs at cosine >= %.2f, %d of them in one group%n", exact,
                NearDuplicates.DEFAULTS.threshold(), kept);
        assertTrue(exact > 20, "the planted copies give pairs: " + exact);
        assertTrue(kept >= 0.98 * exact, kept + " of " + exact + " exact pairs kept (64 tables of 16 bits: 0.986 at the threshold)");
    }

    /** Label Studio's import format ("Import pre-annotated data"), field by field. */
    @Test
    void labelStudioTasksHaveTheDocumentedStructure() throws IOException {
        JsonNode tasks = JsonFiles.parse(Files.readString(out.resolve(Curation.LABEL_STUDIO)));
        assertTrue(tasks.isArray());
        assertEquals(given.size(), tasks.size());
        Map<String, Row> byPath = new HashMap<>();
        table(Curation.OUT_OF_SAMPLE).forEach(r -> byPath.put(r.getAs("path"), r));
        Set<String> ids = new HashSet<>();
        for (JsonNode t : tasks) {
            assertEquals(Set.of("data", "predictions"), fields(t));
            String path = t.path("data").path("path").asText();
            Row r = byPath.get(path);
            assertEquals(Set.of("image", "path", LabelIssues.GIVEN), fields(t.path("data")));
            // Below --image-root the prefix stands for the folder; elsewhere (the shipped originals) the file's URI.
            assertEquals(path.startsWith(uri(tmp) + "/") ? "https://images.example/set/" + path.substring(uri(tmp).length() + 1) : path,
                    t.path("data").path("image").asText());
            assertEquals(r.<String>getAs(LabelIssues.GIVEN), t.path("data").path(LabelIssues.GIVEN).asText());
            assertEquals(1, t.path("predictions").size());
            JsonNode p = t.path("predictions").get(0);
            assertEquals(Set.of("model_version", "score", "result"), fields(p));
            assertTrue(p.path("model_version").isTextual() && !p.path("model_version").asText().isBlank());
            assertTrue(p.path("score").isNumber());
            assertEquals((double) r.getAs(LabelIssues.PREDICTED_PROBABILITY), p.path("score").asDouble(), 1e-12);
            assertEquals(1, p.path("result").size());
            JsonNode res = p.path("result").get(0);
            assertEquals(Set.of("id", "from_name", "to_name", "type", "value"), fields(res));
            assertTrue(ids.add(res.path("id").asText()), "result ids are unique");
            assertEquals(LabelStudioTasks.FROM_NAME, res.path("from_name").asText());
            assertEquals(LabelStudioTasks.TO_NAME, res.path("to_name").asText());
            assertEquals("choices", res.path("type").asText());
            assertEquals(Set.of("choices"), fields(res.path("value")));
            assertEquals(1, res.path("value").path("choices").size());
            assertEquals(r.<String>getAs(LabelIssues.PREDICTED), res.path("value").path("choices").get(0).asText());
        }
        String config = Files.readString(out.resolve(Curation.LABEL_STUDIO_CONFIG));
        assertTrue(config.contains("<Image name=\"image\" value=\"$image\"/>"), config);
        assertTrue(config.contains("<Choices name=\"choice\" toName=\"image\""), config);
        summary.path("classes").forEach(c -> assertTrue(config.contains("<Choice value=\"" + c.asText() + "\"/>"), config));
    }

    @Test
    void csvHasOneRowPerImage() throws IOException {
        List<String> lines = Files.readAllLines(out.resolve(Curation.PREDICTIONS_CSV));
        assertEquals("path,label,probability,given_label", lines.get(0));
        assertEquals(given.size() + 1, lines.size());
        Map<String, Row> byPath = new HashMap<>();
        table(Curation.OUT_OF_SAMPLE).forEach(r -> byPath.put(r.getAs("path"), r));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Row r = byPath.get(f[0]);
            assertEquals(r.<String>getAs(LabelIssues.PREDICTED), f[1]);
            assertEquals((double) r.getAs(LabelIssues.PREDICTED_PROBABILITY), Double.parseDouble(f[2]), 0);
            assertEquals(given.get(f[0]), f[3]);
        }
    }

    /**
     * In a real Chromium: the queues render, the reviewer takes a suggestion, relabels one image and
     * removes another, the download is a corrections file, and training's reader takes it as labels.
     */
    @Test
    void reviewDecisionsDownloadAsCorrections() throws Exception {
        Path page = out.resolve(Curation.REVIEW).resolve("index.html");
        Path downloads = Files.createDirectories(tmp.resolve("downloads"));
        List<Row> issues = table(Curation.LABEL_ISSUES).stream()
                .sorted(java.util.Comparator.comparingLong(r -> r.getAs(LabelIssues.RANK))).toList();
        try (DevToolsBrowser browser = DevToolsBrowser.open(page.toUri().toString(), Files.createDirectories(tmp.resolve("chromium")))) {
            browser.awaitLoaded();
            browser.await("!!window.curation");
            browser.downloadsTo(downloads);
            assertEquals(issues.size(), browser.eval("document.querySelectorAll('figure.card[data-queue=issues]').length").asInt());
            assertEquals(issues.get(0).<String>getAs("path"), browser.eval("document.querySelector('figure.card').dataset.path").asText());
            assertEquals(summary.path("label_issues").path("issues").asText(),
                    browser.eval("document.querySelector('dd[data-count=label_issues]').textContent").asText());
            String second = issues.get(1).getAs("path");
            String relabel = given.get(second).equals("animal") ? "face" : "animal";
            browser.eval("document.querySelector('figure.card button[data-action=suggested]').click()");
            browser.eval("(function(){var s=document.querySelectorAll('figure.card')[1].querySelector('select');"
                    + "s.value='" + relabel + "';s.dispatchEvent(new Event('change'));})()");
            browser.eval("document.querySelectorAll('figure.card')[2].querySelector('button[data-action=remove]').click()");
            assertEquals("3", browser.eval("document.getElementById('n-decided').textContent").asText());

            browser.eval("document.querySelector('button[data-filter=duplicates]').click()");
            long groups = table(Curation.DUPLICATES).stream().map(r -> (Long) r.getAs(Duplicates.GROUP)).distinct().count();
            assertEquals(groups, browser.eval("document.querySelectorAll('h2.group').length").asLong());
            browser.eval("document.querySelector('button[data-filter=uncertain]').click()");
            browser.eval("(function(){var s=document.getElementById('measure');s.value='entropy';s.dispatchEvent(new Event('change'));})()");
            List<String> shown = new ArrayList<>();
            browser.eval("Array.from(document.querySelectorAll('figure.card')).map(function(f){return f.dataset.path;})")
                    .forEach(n -> shown.add(n.asText()));
            List<String> byEntropy = table(Curation.OUT_OF_SAMPLE).stream()
                    .sorted(java.util.Comparator.<Row>comparingDouble(r -> -(double) r.getAs(Uncertainty.ENTROPY))
                            .thenComparing(r -> (String) r.getAs("path")))
                    .map(r -> (String) r.<String>getAs("path")).toList();
            assertEquals(byEntropy, shown, "every image (fewer than --review-limit), the highest entropy first");

            browser.eval("document.getElementById('download').click()");
            Path file = downloads.resolve("corrections.csv");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(file) && System.nanoTime() < deadline) Thread.sleep(100);
            assertTrue(Files.exists(file), "the browser downloaded corrections.csv");
            Map<String, String> expected = new TreeMap<>();
            expected.put(issues.get(0).getAs("path"), issues.get(0).getAs(LabelIssues.SUGGESTED));
            expected.put(second, relabel);
            expected.put(issues.get(2).getAs("path"), "");
            StringBuilder csv = new StringBuilder("path,label\n");
            expected.forEach((p, l) -> csv.append(p).append(',').append(l).append('\n'));
            assertEquals(csv.toString(), Files.readString(file));

            SparkSession spark = TestSpark.session();
            var hadoop = spark.sparkContext().hadoopConfiguration();
            LabeledInput.Labeled before = LabeledInput.table(spark, tmp.resolve("labels.csv").toString(), hadoop);
            LabeledInput.Labeled after = LabeledInput.corrected(before, spark, file.toString(), hadoop);
            assertEquals(1, after.removed());
            assertEquals(given.get(second).equals(relabel) ? 1 : 2, after.corrected());
            assertEquals(issues.get(0).<String>getAs(LabelIssues.SUGGESTED), after.labels().get(issues.get(0).<String>getAs("path")));
            assertFalse(after.labels().containsKey(issues.get(2).<String>getAs("path")));
        }
    }

    @Test
    void badInputGetsAClearMessageAndNoTables() throws IOException {
        Path one = Files.createDirectories(tmp.resolve("bad/one-class/only"));
        Files.copy(labeledSet().resolve("animal").resolve(firstJpg("animal")), one.resolve("a.jpg"));
        Files.copy(labeledSet().resolve("food").resolve(firstJpg("food")), one.resolve("b.jpg"));
        expectFailure(2, "at least 2 classes", "--input", tmp.resolve("bad/one-class").toString());
        Path empty = Files.createDirectories(tmp.resolve("bad/empty"));
        expectFailure(3, "no image files", "--input", empty.toString());
        Path single = Files.createDirectories(tmp.resolve("bad/single/cat"));
        Files.copy(one.resolve("a.jpg"), single.resolve("a.jpg"));
        expectFailure(2, "at least 2 classes", "--input", tmp.resolve("bad/single").toString());
        Path broken = tmp.resolve("bad/broken");
        for (String c : List.of("cats", "dogs")) {
            Path d = Files.createDirectories(broken.resolve(c));
            Files.writeString(d.resolve("1.jpg"), "not a jpeg");
            Files.write(d.resolve("2.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        }
        Path output = expectFailure(2, "after decoding, fewer than 2 classes have images", "--input", broken.toString());
        for (String t : List.of(Curation.OUT_OF_SAMPLE, Curation.LABEL_ISSUES, Curation.DUPLICATES, Curation.SUMMARY, Curation.REVIEW,
                Curation.LABEL_STUDIO, Curation.PREDICTIONS_CSV)) {
            assertFalse(Files.exists(output.resolve(t)), t + " after a failed pass");
        }
    }

    private static String firstJpg(String cls) throws IOException {
        try (Stream<Path> s = Files.list(labeledSet().resolve(cls))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jpg")).sorted().findFirst().orElseThrow();
        }
    }

    private static Path expectFailure(int exit, String message, String... input) {
        Path output = tmp.resolve("bad-out-" + Math.abs(String.join(" ", input).hashCode()));
        StringBuilder log = new StringBuilder();
        List<String> args = new ArrayList<>(List.of(input));
        args.addAll(List.of("--output", output.toString(), "--folds", "2", "--reg-params", "0.1"));
        assertEquals(exit, curate(log, args.toArray(String[]::new)), log.toString());
        assertTrue(log.toString().contains(message), log.toString());
        return output;
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> s = new java.util.TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
