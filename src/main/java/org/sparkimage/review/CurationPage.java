package org.sparkimage.review;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.sparkimage.util.HtmlText;
import org.sparkimage.util.JsonFiles;
import org.sparkimage.util.Sha256;

/**
 * The curation review page: one self-contained HTML file (inline CSS and one inline script allowed
 * by its hash in the Content-Security-Policy, no network) and a {@code thumbs/} folder beside it.
 * Three queues, each a filter of the page:
 * <ul>
 *   <li>label issues, by rank (lowest self-confidence first), with the suggested label and why;</li>
 *   <li>duplicate groups, each with its members and their similarity to the representative;</li>
 *   <li>least sure first, by a measure the reviewer picks (margin, least confidence or entropy of the
 *   out-of-sample probabilities).</li>
 * </ul>
 * A reviewer keeps a label, takes the suggestion, picks another class or removes the image; the
 * decisions download as {@code corrections.csv} ({@code path,label}, an empty label removes the file),
 * which {@code train.sh --corrections} and {@code curate.sh --corrections} read back. The data is
 * embedded as JSON in a non-executed script element and rendered with DOM text nodes only, so no
 * path or label can inject markup. The script lives in {@code curation-page.js} beside this class.
 */
public final class CurationPage {
    /** One image as the page shows it. */
    public record Item(String path, String given, String predicted, double probability, double leastConfidence, double margin,
                       double entropy) {}

    /** A label issue: the image, the suggested label, its rank and why it was flagged. */
    public record Issue(String path, String suggested, double suggestedProbability, long rank, String reason) {}

    /** A member of a duplicate group. */
    public record Member(long group, String path, double similarity, boolean exact) {}

    /**
     * What the page shows.
     *
     * @param title      the page's title (the input)
     * @param classes    every class a reviewer may pick
     * @param counts     headline figures, shown in order ("images" to 375, ...)
     * @param items      every image any queue names (at most one entry per path)
     * @param issues     label issues, by rank
     * @param duplicates duplicate group members, by group then path
     * @param uncertain  paths in no particular order; the page sorts them by the measure picked
     */
    public record Content(String title, List<String> classes, Map<String, Object> counts, List<Item> items, List<Issue> issues,
                          List<Member> duplicates, List<String> uncertain) {}

    private CurationPage() {}

    /**
     * Writes {@code dir/index.html} and {@code dir/thumbs/}.
     *
     * @param conf     reads the images (any Hadoop file system)
     * @param maxBytes images larger than this get no thumbnail
     * @return thumbnails made
     */
    public static int write(Path dir, Content c, Configuration conf, int thumbSize, long maxBytes) throws IOException {
        Files.createDirectories(dir);
        Thumbnails thumbs = new Thumbnails(conf, dir.resolve("thumbs"), "thumbs/", thumbSize, maxBytes);
        Set<String> paths = new LinkedHashSet<>();
        c.items().forEach(i -> paths.add(i.path()));
        thumbs.prepare(paths);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", c.title());
        data.put("classes", c.classes());
        data.put("counts", c.counts());
        Map<String, Object> items = new LinkedHashMap<>();
        for (Item i : c.items()) {
            Thumbnails.Thumb t = thumbs.make(i.path());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("given", i.given());
            m.put("predicted", i.predicted());
            m.put("p", i.probability());
            m.put("least_confidence", i.leastConfidence());
            m.put("margin", i.margin());
            m.put("entropy", i.entropy());
            m.put("thumb", t.present() ? t.file() : null);
            items.put(i.path(), m);
        }
        data.put("items", items);
        List<Map<String, Object>> issues = new ArrayList<>();
        for (Issue i : c.issues()) {
            issues.add(new LinkedHashMap<>(Map.of("path", i.path(), "suggested", i.suggested(), "p", i.suggestedProbability(),
                    "rank", i.rank(), "reason", i.reason())));
        }
        data.put("issues", issues);
        List<Map<String, Object>> dups = new ArrayList<>();
        for (Member m : c.duplicates()) {
            dups.add(new LinkedHashMap<>(Map.of("group", m.group(), "path", m.path(), "similarity", m.similarity(), "exact", m.exact())));
        }
        data.put("duplicates", dups);
        data.put("uncertain", c.uncertain());
        String script = script();
        Path tmp = dir.resolve(".index.html.tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(html(c.title(), JsonFiles.writeCompact(data), script));
        }
        Files.move(tmp, dir.resolve("index.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return thumbs.made();
    }

    private static String html(String title, String json, String script) {
        String hash = Base64.getEncoder().encodeToString(Sha256.digest().digest(script.getBytes(StandardCharsets.UTF_8)));
        // Inside a script element only "</" could end it early; JSON allows \\u escapes for any of these.
        String safeJson = json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: data:;"
                + " style-src 'unsafe-inline'; script-src 'sha256-" + hash + "'\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>Curation review: " + HtmlText.escape(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n"
                + "<header><h1>Curation review</h1><div class=\"dim path\" id=\"title\"></div><dl id=\"counts\"></dl>\n"
                + "<nav id=\"filters\">"
                + "<button type=\"button\" data-filter=\"issues\">Label issues <b id=\"n-issues\"></b></button>"
                + "<button type=\"button\" data-filter=\"duplicates\">Duplicate groups <b id=\"n-duplicates\"></b></button>"
                + "<button type=\"button\" data-filter=\"uncertain\">Least sure first <b id=\"n-uncertain\"></b></button>"
                + "<label id=\"measure-box\">by <select id=\"measure\"><option value=\"margin\">margin (smallest first)</option>"
                + "<option value=\"least_confidence\">least confidence (highest first)</option>"
                + "<option value=\"entropy\">entropy (highest first)</option></select></label>"
                + "</nav>\n<div id=\"decisions\"><span id=\"n-decided\">0</span> decisions "
                + "<button type=\"button\" id=\"download\">Download corrections.csv</button></div>\n</header>\n"
                + "<main id=\"cards\"></main>\n"
                + "<script type=\"application/json\" id=\"data\">" + safeJson + "</script>\n"
                + "<script>" + script + "</script>\n</body>\n</html>\n";
    }

    private static String script() throws IOException {
        try (InputStream in = CurationPage.class.getResourceAsStream("curation-page.js")) {
            if (in == null) throw new IOException("curation-page.js is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static final String CSS = """
            :root { --fg: #1d2330; --dim: #6b7385; --line: #dde1e8; --bg: #f4f5f8; --warn: #9a5b00; --ok: #1b6e3a; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
            header { background: #fff; border-bottom: 1px solid var(--line); padding: 12px 24px; position: sticky; top: 0; z-index: 1; }
            h1 { margin: 0 0 4px; font-size: 20px; }
            .dim { color: var(--dim); font-size: 12px; }
            dl#counts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0; }
            dl#counts div { display: flex; gap: 4px; } dl#counts dt { color: var(--dim); } dl#counts dd { margin: 0; font-weight: 600; }
            nav button { margin: 2px 6px 2px 0; padding: 4px 12px; border-radius: 14px; border: 1px solid var(--line); background: #e7ecf7; cursor: pointer; }
            nav button[aria-pressed="true"] { background: #2f5bd3; color: #fff; }
            #decisions { margin-top: 6px; }
            main { padding: 12px 24px; display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; }
            h2.group { grid-column: 1 / -1; font-size: 15px; margin: 10px 0 0; border-bottom: 2px solid var(--line); }
            figure.card { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
            figure.card.decided { border-color: var(--ok); box-shadow: 0 0 0 2px #cfe9d8; }
            .thumb { height: 140px; display: flex; align-items: center; justify-content: center; background: #eceef2; }
            .thumb img { max-width: 100%; max-height: 100%; }
            figcaption { padding: 6px 8px 8px; }
            .name { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
            .reason { font-size: 12px; color: var(--warn); }
            .row { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin-top: 4px; }
            .row button, .row select { font-size: 12px; }
            .decision { font-size: 12px; color: var(--ok); font-weight: 600; }
            """;
}
