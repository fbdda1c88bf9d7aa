package org.sparkimage.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.cli.ClassifyCommand;
import org.sparkimage.testing.ReferenceData;
import org.sparkimage.testing.TestSpark;

/**
 * The gallery end to end: the real classify job over reference photos (one under a hostile name,
 * one deleted before the gallery is made) and bad files, then the page rendered by a real headless
 * Chromium: its DOM must hold every row exactly once under the right label, and its screenshot must
 * show the thumbnails. Chromium is required: without it the test fails.
 */
class GalleryTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final long CHROMIUM_TIMEOUT_S = 60;
    static final String[] PHOTOS = {
        "skimage__astronaut.png", "skimage__rocket.jpg", "skimage__retina.jpg", "skimage__hubble_deep_field.jpg",
        "skimage__chelsea.png", "matplotlib__logo2.png", "skimage__microaneurysms.png",
        "matplotlib__minduka_present_blue_pack.png"};
    static final String[] BAD = {"empty.jpg", "html_404_page.jpg", "jpeg_trunc_50pct.jpg", "random_bytes.jpg"};
    /** Quotes, markup, an entity, an apostrophe, a literal %20, '#', non-ASCII: must round-trip into the DOM. */
    static final String HOSTILE_NAME = "a \"q\" <b>&amp; café's 100%20 #1.jpg";
    static final String VANISHED_NAME = "vanished.jpg";

    @TempDir
    static Path tmp;
    static Path out;
    static Path page;
    /** path -> row of the predictions table. */
    static final Map<String, Row> rows = new HashMap<>();

    @BeforeAll
    static void classifyAndWriteGallery() throws IOException {
        Path photos = ReferenceData.nsfwDir().resolve("images");
        Path bad = ReferenceData.badInputsDir();
        assertTrue(Files.isDirectory(photos), "reference photos missing: " + photos);
        assertTrue(Files.isDirectory(bad), "bad inputs missing: " + bad);
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (String f : PHOTOS) Files.copy(photos.resolve(f), in.resolve(f));
        for (String f : BAD) Files.copy(bad.resolve(f), in.resolve(f));
        Files.copy(photos.resolve(PHOTOS[0]), in.resolve(HOSTILE_NAME));
        Files.copy(photos.resolve(PHOTOS[1]), in.resolve(VANISHED_NAME));

        TestSpark.session(); // the shared session: the commands use it and leave it running
        out = tmp.resolve("out");
        String log = run(ClassifyCommand::execute, "--input", in.toString(), "--output", out.toString(), "--master", "local[2]");
        for (Row r : TestSpark.session().read().parquet(out.resolve("predictions").toString()).collectAsList()) {
            rows.put(r.<String>getAs("path"), r);
        }
        assertEquals(PHOTOS.length + BAD.length + 2, rows.size(), log);

        Files.delete(in.resolve(VANISHED_NAME)); // an ok row whose image cannot be read any more: "no preview"
        run(GalleryCommand::execute, out.toString());
        page = out.resolve("gallery/index.html");
        assertTrue(Files.isRegularFile(page), "no page at " + page);
    }

    interface Cli {
        int execute(PrintStream console, String... args);
    }

    static String run(Cli cli, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = cli.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
        String log = buf.toString(StandardCharsets.UTF_8);
        System.out.println(log);
        assertEquals(0, exit, log);
        return log;
    }

    // ------------------------------------------------------------------------------------ tests

    @Test
    void escapingDefusesAHostilePath() {
        String hostile = "file:/x/\"><script>alert('x')</script>&amp; café\u0001.jpg";
        String html = GalleryPage.escape(hostile);
        assertEquals("file:/x/&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp; café&#x1;.jpg", html);
        for (char c : "<>\"'".toCharArray()) assertEquals(-1, html.indexOf(c), html);
        assertEquals(hostile, Html.unescape(html));
        assertEquals("", GalleryPage.escape(null));
    }

    @Test
    void pathsThatAreNotReadableImagesGetNoPreviewInsteadOfFailing() throws IOException {
        Path dir = tmp.resolve("thumbs-unit");
        Thumbnails t = new Thumbnails(new org.apache.hadoop.conf.Configuration(), dir, "thumbs/", 48, 8 << 20);
        String in = tmp.resolve("in").toUri().getPath();
        for (String path : List.of("img-001", "", "file:" + in + "shard.tar/000001.jpg", "file:" + in + "table.parquet#3",
                "file:" + in + "random_bytes.jpg", "file:" + in + "empty.jpg", "file:" + in, "nosuchscheme://x/y.jpg")) {
            Thumbnails.Thumb thumb = t.make(path);
            assertFalse(thumb.present(), path);
            assertNotNull(thumb.failure(), path);
        }
        Thumbnails.Thumb ok = t.make("file:" + in + HOSTILE_NAME); // not percent-decoded: the literal "%20" is in the name
        assertTrue(ok.present(), ok.toString());
        BufferedImage img = ImageIO.read(dir.resolve(ok.file().substring("thumbs/".length())).toFile());
        assertEquals(48, Math.max(img.getWidth(), img.getHeight()));
        assertEquals(8, t.failed());
        assertEquals(1, t.made());
        Thumbnails.Thumb tooBig = new Thumbnails(new org.apache.hadoop.conf.Configuration(), dir, "thumbs/", 48, 1 << 19)
                .make("file:" + in + HOSTILE_NAME); // 791555 bytes
        assertFalse(tooBig.present());
        assertTrue(tooBig.failure().contains("791555 bytes"), tooBig.failure());
    }

    @Test
    void tarMembersAreReadFromTheirShard() throws Exception {
        Path shard = tmp.resolve("shards/a.tar");
        Files.createDirectories(shard.getParent());
        Process tar = new ProcessBuilder("tar", "-cf", shard.toString(), "-C", tmp.resolve("in").toString(), PHOTOS[0])
                .redirectErrorStream(true).start();
        assertEquals(0, tar.waitFor(), new String(tar.getInputStream().readAllBytes()));
        Thumbnails t = new Thumbnails(new org.apache.hadoop.conf.Configuration(), tmp.resolve("thumbs-tar"), "thumbs/", 48, 8 << 20);
        Thumbnails.Thumb member = t.make("file:" + shard.toUri().getPath() + "/" + PHOTOS[0]);
        assertTrue(member.present(), member.toString());
        Thumbnails.Thumb missing = t.make("file:" + shard.toUri().getPath() + "/no-such-member.jpg");
        assertFalse(missing.present());
        assertTrue(missing.failure().contains("no member"), missing.failure());
    }

    @Test
    void chromiumDomHasEveryRowOnceUnderItsLabel() throws Exception {
        String dom = chromium("dump-dom", "--dump-dom", page.toUri().toString());
        assertTrue(dom.contains("<main>"), "not the gallery: " + dom.substring(0, Math.min(500, dom.length())));
        List<Html.Element> cards = Html.elements(dom, "figure");
        Map<String, Html.Element> byPath = new HashMap<>();
        for (Html.Element c : cards) {
            assertTrue(c.attrs().containsKey("data-path"), "card without data-path: " + c.attrs());
            assertEquals(null, byPath.put(c.attr("data-path"), c), "two cards for " + c.attr("data-path"));
        }
        assertEquals(rows.keySet(), byPath.keySet());
        assertEquals(rows.size(), cards.size());

        Map<String, Long> okPerLabel = new LinkedHashMap<>();
        Map<String, Long> errorPerCode = new HashMap<>();
        for (Row r : rows.values()) {
            Html.Element card = byPath.get(r.<String>getAs("path"));
            String status = r.<String>getAs("status");
            assertEquals(status, card.attr("data-status"), r.<String>getAs("path"));
            if (status.equals("ok")) {
                okPerLabel.merge(r.<String>getAs("label"), 1L, Long::sum);
                assertEquals(r.<String>getAs("label"), card.attr("data-label"));
                assertEquals(r.<String>getAs("label"), card.section().get("data-label"), "card in the wrong section");
                assertTrue(card.text().contains(GalleryPage.percent(r.<Float>getAs("probability"))), card.text());
            } else {
                errorPerCode.merge(r.<String>getAs("error_code"), 1L, Long::sum);
                assertEquals(r.<String>getAs("error_code"), card.attr("data-error-code"));
                assertEquals("errors", card.section().get("id"));
                assertTrue(card.text().contains(r.<String>getAs("error_code")), card.text());
                assertTrue(card.text().contains(r.<String>getAs("error_message")), card.text());
                assertTrue(card.text().contains(r.<String>getAs("path")), card.text());
            }
        }
        assertTrue(okPerLabel.size() >= 2, "the photos should get at least two labels: " + okPerLabel);
        assertEquals(Set.of("EMPTY", "NOT_AN_IMAGE", "TRUNCATED"), errorPerCode.keySet());

        // Sections: one per predicted label, with its count; probabilities never increase within one.
        Map<String, Long> sectionCounts = new HashMap<>();
        for (Html.Element s : Html.elements(dom, "section")) {
            if (!s.attrs().containsKey("data-label")) continue;
            sectionCounts.put(s.attr("data-label"), Long.parseLong(s.attr("data-count")));
            assertEquals("0", s.attr("data-omitted"));
            assertTrue(s.text().contains(s.attr("data-label") + " " + s.attr("data-count") + " row"), s.text());
        }
        assertEquals(okPerLabel, sectionCounts);
        Map<String, Float> lastProbability = new HashMap<>();
        for (Html.Element c : cards) {
            if (!c.attr("data-status").equals("ok")) continue;
            float p = Float.parseFloat(c.attr("data-probability"));
            Float before = lastProbability.put(c.attr("data-label"), p);
            assertTrue(before == null || before >= p, "not by probability: " + before + " then " + p);
        }
        Html.Element errors = Html.elements(dom, "section").stream().filter(s -> "errors".equals(s.attr("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no errors section"));
        assertEquals(String.valueOf(errorPerCode.values().stream().mapToLong(Long::longValue).sum()), errors.attr("data-count"));

        // Header totals.
        Html.Element header = Html.elements(dom, "header").get(0);
        assertEquals(String.valueOf(okPerLabel.values().stream().mapToLong(Long::longValue).sum()), header.attr("data-ok"));
        assertEquals(errors.attr("data-count"), header.attr("data-errors"));
        assertTrue(header.text().contains("nsfwjs-mobilenetv2"), header.text());

        // Thumbnails: a file for every readable image, "no preview" for the deleted one.
        for (Html.Element c : cards) {
            String path = c.attr("data-path");
            if (!c.attr("data-status").equals("ok")) continue;
            if (path.endsWith("/" + VANISHED_NAME)) {
                assertEquals("none", c.attr("data-thumb"));
                assertTrue(c.text().contains("no preview"), c.text());
            } else {
                assertEquals("yes", c.attr("data-thumb"), path);
                Matcher src = Pattern.compile("<img src=\"([^\"]+)\"").matcher(c.inner());
                assertTrue(src.find(), c.inner());
                BufferedImage thumb = ImageIO.read(page.getParent().resolve(Html.unescape(src.group(1))).toFile());
                assertNotNull(thumb, src.group(1));
                assertTrue(Math.max(thumb.getWidth(), thumb.getHeight()) <= 160, thumb.getWidth() + "x" + thumb.getHeight());
            }
        }
        assertTrue(byPath.keySet().stream().anyMatch(p -> p.endsWith("/" + HOSTILE_NAME)), "hostile name lost: " + byPath.keySet());

        // Self-contained: nothing fetched from elsewhere, no scripts.
        String source = Files.readString(page);
        for (String banned : List.of("<script", "<link", "http://", "https://", "url(", "@import")) {
            assertFalse(source.contains(banned), "page contains " + banned);
        }
    }

    @Test
    void chromiumScreenshotShowsThePage() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/gallery-test"));
        Path png = dir.resolve("gallery.png");
        Files.deleteIfExists(png);
        chromium("screenshot", "--screenshot=" + png.toAbsolutePath(), "--window-size=1280,2000", "--hide-scrollbars",
                page.toUri().toString());
        assertTrue(Files.isRegularFile(png), "Chromium wrote no screenshot at " + png.toAbsolutePath());
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "the screenshot does not decode: " + png);
        assertEquals(1280, img.getWidth());
        assertEquals(2000, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) colours.add(img.getRGB(x, y) & 0xFFFFFF);
        }
        System.out.println("screenshot " + png.toAbsolutePath() + ": " + colours.size() + " distinct colours");
        assertTrue(colours.size() > 1, "blank screenshot");
        // Measured: the page with its thumbnail files removed gives ~1800 colours (text anti-aliasing,
        // broken-image icons); with the thumbnails, ~16000 and more.
        assertTrue(colours.size() > 6000, "the thumbnails do not seem to render: " + colours.size() + " colours");
    }

    @Test
    void perLabelCapsCardsAndSaysHowManyAreOmitted() throws Exception {
        Path capped = tmp.resolve("capped/review.html");
        Files.createDirectories(capped.getParent());
        run(GalleryCommand::execute, out.toString(), "--html", capped.toString(), "--per-label", "1", "--thumb-size", "64");
        String html = Files.readString(capped);
        Map<String, Long> okPerLabel = new HashMap<>();
        long errorRows = 0;
        for (Row r : rows.values()) {
            if (r.<String>getAs("status").equals("ok")) okPerLabel.merge(r.<String>getAs("label"), 1L, Long::sum);
            else errorRows++;
        }
        long omittedTotal = 0;
        for (Html.Element s : Html.elements(html, "section")) {
            List<Html.Element> cards = Html.elements(s.inner(), "figure");
            if (!s.attrs().containsKey("data-label")) {
                assertEquals(errorRows, cards.size(), "every error row, also with --per-label");
                continue;
            }
            long count = okPerLabel.get(s.attr("data-label"));
            assertEquals(String.valueOf(count), s.attr("data-count"));
            assertEquals(1, cards.size());
            long omitted = Long.parseLong(s.attr("data-omitted"));
            assertEquals(count - 1, omitted);
            if (omitted > 0) assertTrue(s.text().contains(omitted + " more row"), s.text());
            // the one shown is the most probable of its label
            float best = (float) rows.values().stream().filter(r -> r.<String>getAs("status").equals("ok")
                    && r.<String>getAs("label").equals(s.attr("data-label"))).mapToDouble(r -> r.<Float>getAs("probability")).max().orElseThrow();
            assertEquals(best, Float.parseFloat(cards.get(0).attr("data-probability")));
            omittedTotal += omitted;
        }
        assertTrue(omittedTotal > 0, "no label had more than one row: " + okPerLabel);
        try (Stream<Path> thumbs = Files.list(capped.resolveSibling("thumbs"))) {
            List<Path> files = thumbs.toList();
            assertEquals(okPerLabel.size(), files.size(), files.toString());
            for (Path f : files) {
                BufferedImage t = ImageIO.read(f.toFile());
                assertTrue(Math.max(t.getWidth(), t.getHeight()) <= 64 && Math.max(t.getWidth(), t.getHeight()) >= 32, f.toString());
            }
        }

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(3, GalleryCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), tmp.resolve("nothing").toString()));
        assertEquals(2, GalleryCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), out.toString(), "--per-label", "0"));
    }

    /**
     * The review queue: the job's uncertainty columns agree with its probabilities, and the queue
     * holds the least sure ok rows by each measure, in order, ahead of the label sections.
     */
    @Test
    void reviewQueueRanksTheLeastSureFirst() throws Exception {
        for (Row r : rows.values()) {
            if (!r.<String>getAs("status").equals("ok")) {
                assertTrue(r.isNullAt(r.fieldIndex("margin")), "no margin on an error row");
                continue;
            }
            float p = r.getAs("probability");
            assertEquals(1 - p, (float) r.getAs("least_confidence"), 1e-6);
            List<Row> top = r.getList(r.fieldIndex("top_k"));
            float second = top.size() > 1 ? top.get(1).<Float>getAs("probability") : 0f;
            assertEquals(p - second, (float) r.getAs("margin"), 1e-6, "the second best is in top_k");
            float entropy = r.getAs("entropy");
            assertTrue(entropy >= 0 && entropy <= Math.log(top.size() > 1 ? 1000 : 2), "entropy " + entropy);
        }
        for (String measure : List.of("margin", "least-confidence", "entropy")) {
            Path other = tmp.resolve("queue-" + measure + ".html");
            run(GalleryCommand::execute, out.toString(), "--html", other.toString(), "--review-queue", "3", "--rank-by", measure,
                    "--per-label", "1");
            String html = Files.readString(other);
            String column = measure.replace('-', '_');
            boolean smallestFirst = measure.equals("margin");
            List<String> expected = rows.values().stream().filter(r -> r.<String>getAs("status").equals("ok"))
                    .sorted(java.util.Comparator.<Row>comparingDouble(r -> (smallestFirst ? 1 : -1) * (float) r.getAs(column))
                            .thenComparing(r -> r.<String>getAs("path")))
                    .limit(3).map(r -> r.<String>getAs("path")).toList();
            List<String> queue = new ArrayList<>();
            for (Html.Element c : Html.elements(html, "figure")) {
                if ("review-queue".equals(c.section().get("id"))) queue.add(c.attr("data-path"));
            }
            assertEquals(expected, queue, measure);
            assertTrue(html.indexOf("id=\"review-queue\"") < html.indexOf("class=\"label\""), "the queue comes first");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(2, GalleryCommand.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), out.toString(), "--review-queue", "3",
                "--rank-by", "doubt"));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("--rank-by must be margin, least-confidence or entropy"));
    }

    // ------------------------------------------------------------------------------- Chromium

    /** Runs headless Chromium with the flags of the brief plus {@code args}; returns its stdout. */
    static String chromium(String name, String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: this test renders the gallery in a real headless Chromium. Install Debian's"
                    + " package (apt-get install chromium); .ci/run does that before mvn.");
        }
        Path work = Files.createDirectories(tmp.resolve("chromium-" + name));
        Path profile = Files.createTempDirectory(work, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path stdout = work.resolve("stdout.txt");
        Path stderr = work.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(CHROMIUM_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("Chromium (" + name + ") did not finish in " + CHROMIUM_TIMEOUT_S + " s and was killed; stderr: " + tail(stderr));
        }
        if (p.exitValue() != 0) fail("Chromium (" + name + ") exited with " + p.exitValue() + "; stderr: " + tail(stderr));
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static String tail(Path file) throws IOException {
        String s = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        return s.substring(Math.max(0, s.length() - 3000));
    }

    // --------------------------------------------------------------------- a small HTML reader

    /**
     * Enough of an HTML reader for serialised DOMs and for the page itself: elements by tag name
     * (not nested in one of their own kind), their attributes (double-quoted, as Chromium and the
     * page write them), inner HTML, text content, and the attributes of the enclosing section.
     */
    static final class Html {
        record Element(Map<String, String> attrs, String inner, Map<String, String> section) {
            String attr(String name) {
                return attrs.get(name);
            }

            String text() {
                return unescape(inner.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " "));
            }
        }

        private static final Pattern ATTR = Pattern.compile("\\s*([^\\s=>/]+)(?:\\s*=\\s*\"([^\"]*)\")?");
        private static final Pattern ENTITY = Pattern.compile("&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);");

        static List<Element> elements(String html, String tag) {
            List<Element> out = new ArrayList<>();
            Map<String, String> section = Map.of();
            int pos = 0;
            while (true) {
                int lt = html.indexOf('<', pos);
                if (lt < 0) return out;
                if (html.startsWith("</section", lt)) {
                    section = Map.of();
                    pos = lt + 1;
                    continue;
                }
                String name = tagName(html, lt + 1);
                if (name.isEmpty()) {
                    pos = lt + 1;
                    continue;
                }
                Map<String, String> attrs = new LinkedHashMap<>();
                int end = attributes(html, lt + 1 + name.length(), attrs);
                if (name.equals("section")) section = attrs;
                if (name.equals(tag)) {
                    int close = html.indexOf("</" + tag + ">", end);
                    if (close < 0) throw new AssertionError("unclosed <" + tag + "> at " + lt);
                    out.add(new Element(attrs, html.substring(end, close), section));
                    if (!tag.equals("section")) {
                        pos = close;
                        continue;
                    }
                }
                pos = end;
            }
        }

        private static String tagName(String html, int from) {
            int i = from;
            while (i < html.length() && Character.isLetterOrDigit(html.charAt(i))) i++;
            return html.substring(from, i).toLowerCase();
        }

        /** Reads attributes up to the closing '>' and returns the index after it. */
        private static int attributes(String html, int from, Map<String, String> attrs) {
            int i = from;
            Matcher m = ATTR.matcher(html);
            while (i < html.length()) {
                char c = html.charAt(i);
                if (c == '>') return i + 1;
                if (c == '/' || Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                if (!m.find(i) || m.start() != i && !html.substring(i, m.start()).isBlank()) {
                    throw new AssertionError("bad attribute at " + i + ": " + html.substring(i, Math.min(html.length(), i + 80)));
                }
                attrs.put(m.group(1).toLowerCase(), m.group(2) == null ? "" : unescape(m.group(2)));
                i = m.end();
            }
            throw new AssertionError("unterminated tag at " + from);
        }

        static String unescape(String s) {
            Matcher m = ENTITY.matcher(s);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String e = m.group(1);
                String r = switch (e) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "nbsp" -> "\u00a0";
                    default -> e.startsWith("#x") || e.startsWith("#X") ? Character.toString(Integer.parseInt(e.substring(2), 16))
                            : e.startsWith("#") ? Character.toString(Integer.parseInt(e.substring(1))) : m.group();
                };
                m.appendReplacement(b, Matcher.quoteReplacement(r));
            }
            m.appendTail(b);
            return b.toString();
        }
    }
}
