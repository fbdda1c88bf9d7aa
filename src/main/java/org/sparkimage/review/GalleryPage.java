package org.sparkimage.review;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.sparkimage.review.PredictionReader.LabelCount;
import org.sparkimage.util.HtmlText;

/**
 * Writes the gallery's HTML as it goes (no page model in memory): header, one section per label,
 * the errors section. Self-contained: inline CSS, no scripts, no external resources; a
 * Content-Security-Policy forbids anything but the page's own images. Every card carries
 * {@code data-path} and {@code data-status} (and {@code data-label} or {@code data-error-code});
 * every label section {@code data-label}, {@code data-count}, {@code data-shown}, {@code data-omitted}.
 */
final class GalleryPage {
    /** What the header shows. */
    record Header(RunInfo run, String output, List<LabelCount> labels, Map<String, Long> errorCodes, Integer perLabel,
            int thumbSize) {
        long ok() {
            return labels.stream().mapToLong(LabelCount::count).sum();
        }

        long errors() {
            return errorCodes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Writer out;
    private final int thumbSize;

    GalleryPage(Writer out, int thumbSize) {
        this.out = out;
        this.thumbSize = thumbSize;
    }

    /** Text for HTML element content and quoted attribute values ({@link HtmlText#escape}). */
    static String escape(String s) {
        return HtmlText.escape(s);
    }

    static String percent(float p) {
        return Float.isNaN(p) ? "?" : String.format(Locale.ROOT, "%.1f%%", p * 100.0);
    }

    private static String anchor(int labelIndex) {
        return "label-" + (labelIndex < 0 ? "none" : Integer.toString(labelIndex));
    }

    private void w(String s) throws IOException {
        out.write(s);
    }

    void begin(Header h) throws IOException {
        RunInfo run = h.run();
        String model = run.model() == null ? "unknown" : run.model();
        w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        w("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'\">\n");
        w("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w("<title>Label review: " + escape(model) + (run.runId() == null ? "" : " (" + escape(run.runId()) + ")") + "</title>\n");
        w("<style>\n" + css() + "</style>\n</head>\n<body>\n");
        w("<header class=\"summary\" data-ok=\"" + h.ok() + "\" data-errors=\"" + h.errors() + "\">\n");
        w("<h1>Label review</h1>\n<dl class=\"meta\">\n");
        w(dt("model", escape(model) + (run.modelSha256() == null ? ""
                : " <span class=\"dim\" title=\"" + escape(run.modelSha256()) + "\">sha256 "
                        + escape(run.modelSha256().substring(0, Math.min(12, run.modelSha256().length()))) + "</span>")));
        w(dt("run", run.runId() == null ? "unknown" : escape(run.runId())
                + (run.start() == null ? "" : " <span class=\"dim\">started " + escape(run.start()) + "</span>")));
        w(dt("output", "<span class=\"path\">" + escape(h.output()) + "</span>"));
        w(dt("rows", (h.ok() + h.errors()) + ": <b>" + h.ok() + "</b> ok, <b>" + h.errors() + "</b> error"
                + (h.errors() == 1 ? "" : "s")));
        w(dt("shown", (h.perLabel() == null ? "all rows" : "the " + h.perLabel() + " most probable per label")
                + ", most probable first; all error rows"));
        w("</dl>\n<nav class=\"totals\">\n");
        for (LabelCount l : h.labels()) {
            w("<a class=\"chip\" href=\"#" + anchor(l.index()) + "\" data-label=\"" + escape(l.label()) + "\" data-count=\""
                    + l.count() + "\">" + escape(l.label()) + " <b>" + l.count() + "</b></a>\n");
        }
        if (h.errors() > 0) {
            w("<a class=\"chip err\" href=\"#errors\">errors <b>" + h.errors() + "</b></a>\n");
        }
        w("</nav>\n</header>\n<main>\n");
    }

    private static String dt(String term, String html) {
        return "<dt>" + term + "</dt><dd>" + html + "</dd>\n";
    }

    void beginSection(LabelCount l, long shown) throws IOException {
        long omitted = l.count() - shown;
        w("<section class=\"label\" id=\"" + anchor(l.index()) + "\" data-label=\"" + escape(l.label())
                + "\" data-label-index=\"" + l.index() + "\" data-count=\"" + l.count() + "\" data-shown=\"" + shown
                + "\" data-omitted=\"" + omitted + "\">\n");
        w("<h2>" + escape(l.label()) + " <span class=\"count\">" + l.count() + " row" + (l.count() == 1 ? "" : "s")
                + "</span></h2>\n<div class=\"grid\">\n");
    }

    /**
     * The review queue's section: the least sure predictions by {@code measure}, before the label
     * sections ({@code id="review-queue"}, {@code data-rank-by}, {@code data-count}).
     */
    void beginQueue(RankBy measure, int n) throws IOException {
        String name = measure.name().toLowerCase(Locale.ROOT).replace('_', '-');
        w("<section class=\"queue\" id=\"review-queue\" data-rank-by=\"" + name + "\" data-count=\"" + n + "\">\n<h2>Review first"
                + " <span class=\"count\">the " + n + " least sure by " + name + (measure.smallestFirst() ? ", smallest first"
                : ", highest first") + "</span></h2>\n<div class=\"grid\">\n");
    }

    void endQueue() throws IOException {
        w("</div>\n</section>\n");
    }

    /** A card of the review queue: an ok card that also shows (and carries in {@code data-rank-value}) its measure. */
    void okCard(Prediction p, Thumbnails.Thumb t, RankBy measure, float value) throws IOException {
        okCard(p, t, " data-rank-value=\"" + value + "\"", String.format(Locale.ROOT, "<div class=\"dim\">%s %.4f</div>\n",
                measure.name().toLowerCase(Locale.ROOT).replace('_', ' '), value));
    }

    void okCard(Prediction p, Thumbnails.Thumb t) throws IOException {
        okCard(p, t, "", "");
    }

    private void okCard(Prediction p, Thumbnails.Thumb t, String extraAttrs, String extraHtml) throws IOException {
        String path = escape(p.path());
        w("<figure class=\"card\"" + extraAttrs + " data-path=\"" + path + "\" data-status=\"ok\" data-label=\"" + escape(p.label())
                + "\" data-probability=\"" + (Float.isNaN(p.probability()) ? "" : Float.toString(p.probability()))
                + "\" data-thumb=\"" + (t.present() ? "yes" : "none") + "\">\n");
        if (t.present()) {
            w("<div class=\"thumb\"><img src=\"" + escape(t.file()) + "\" width=\"" + t.width() + "\" height=\""
                    + t.height() + "\" alt=\"" + escape(p.fileName()) + "\" loading=\"lazy\" decoding=\"async\"></div>\n");
        } else {
            w("<div class=\"thumb none\" title=\"" + escape(t.failure()) + "\"><span>no preview</span></div>\n");
        }
        w("<figcaption>\n<div class=\"name\" title=\"" + path + "\">" + escape(p.fileName()) + "</div>\n");
        w("<div class=\"prob\"><b>" + percent(p.probability()) + "</b>"
                + (p.width() == null || p.height() == null ? "" : " <span class=\"dim\">" + p.width() + "×" + p.height() + "</span>")
                + "</div>\n");
        w(extraHtml);
        if (!p.topK().isEmpty()) {
            w("<ol class=\"topk\">");
            for (Prediction.Top top : p.topK()) {
                w("<li><span>" + escape(top.label()) + "</span><span>" + percent(top.probability()) + "</span></li>");
            }
            w("</ol>\n");
        }
        w("</figcaption>\n</figure>\n");
    }

    void endSection(long omitted, Integer perLabel) throws IOException {
        w("</div>\n");
        if (omitted > 0) {
            w("<p class=\"omitted\" data-omitted=\"" + omitted + "\">" + omitted + " more row" + (omitted == 1 ? "" : "s")
                    + " with this label not shown (--per-label " + perLabel + ").</p>\n");
        }
        w("</section>\n");
    }

    void beginErrors(Map<String, Long> codes) throws IOException {
        long n = codes.values().stream().mapToLong(Long::longValue).sum();
        w("<section class=\"errors\" id=\"errors\" data-count=\"" + n + "\">\n<h2>Errors <span class=\"count\">" + n
                + " row" + (n == 1 ? "" : "s") + "</span></h2>\n<p class=\"codes\">");
        for (Map.Entry<String, Long> e : codes.entrySet()) {
            w("<span class=\"chip err\" data-error-code=\"" + escape(e.getKey()) + "\" data-count=\"" + e.getValue() + "\">"
                    + escape(e.getKey()) + " <b>" + e.getValue() + "</b></span> ");
        }
        w("</p>\n<div class=\"grid\">\n");
    }

    void errorCard(Prediction p) throws IOException {
        String path = escape(p.path());
        String code = escape(p.errorCode() == null ? "(none)" : p.errorCode());
        w("<figure class=\"card err\" data-path=\"" + path + "\" data-status=\"error\" data-error-code=\"" + code + "\">\n");
        w("<div class=\"thumb none err\"><span>" + code + "</span></div>\n");
        w("<figcaption>\n<div class=\"name\" title=\"" + path + "\">" + escape(p.fileName()) + "</div>\n");
        w("<div class=\"path\">" + path + "</div>\n<div class=\"code\">" + code + "</div>\n");
        w("<div class=\"msg\">" + escape(p.errorMessage()) + "</div>\n</figcaption>\n</figure>\n");
    }

    void endErrors() throws IOException {
        w("</div>\n</section>\n");
    }

    void end() throws IOException {
        w("</main>\n<footer>Written by scripts/gallery.sh (spark-image-classifier).</footer>\n</body>\n</html>\n");
        out.flush();
    }

    private String css() {
        int t = thumbSize;
        return """
                :root { color-scheme: light; --fg: #1d2330; --dim: #6b7385; --line: #dde1e8; --bg: #f4f5f8; --err: #b3261e; }
                * { box-sizing: border-box; }
                body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
                header.summary { background: #fff; border-bottom: 1px solid var(--line); padding: 16px 24px; }
                h1 { margin: 0 0 8px; font-size: 22px; }
                dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; }
                dl.meta dt { color: var(--dim); }
                dl.meta dd { margin: 0; overflow-wrap: anywhere; }
                .dim { color: var(--dim); font-size: 12px; }
                .chip { display: inline-block; padding: 3px 10px; margin: 2px 4px 2px 0; border-radius: 12px; background: #e7ecf7;
                        color: var(--fg); text-decoration: none; }
                .chip.err { background: #fbe4e2; color: var(--err); }
                main { padding: 8px 24px 24px; }
                section { margin-top: 20px; }
                h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
                h2 .count { color: var(--dim); font-weight: normal; font-size: 14px; margin-left: 6px; }
                .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(%dpx, 1fr)); gap: 12px; }
                figure.card { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
                .thumb { height: %dpx; display: flex; align-items: center; justify-content: center; background: #eceef2; }
                .thumb img { max-width: 100%%; max-height: 100%%; width: auto; height: auto; display: block; }
                .thumb.none { background: repeating-linear-gradient(45deg, #e4e6eb, #e4e6eb 8px, #eef0f3 8px, #eef0f3 16px);
                              color: var(--dim); font-size: 13px; }
                .thumb.none.err { height: 72px; background: repeating-linear-gradient(45deg, #f7d9d6, #f7d9d6 8px, #fbe9e7 8px, #fbe9e7 16px);
                                  color: var(--err); font-weight: 600; }
                figcaption { padding: 6px 8px 8px; }
                .name { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
                .prob { margin: 2px 0 4px; }
                .prob b { font-size: 15px; }
                ol.topk { list-style: none; margin: 0; padding: 0; font-size: 12px; color: var(--dim); }
                ol.topk li { display: flex; justify-content: space-between; gap: 8px; }
                ol.topk li:first-child { color: var(--fg); }
                .path { font: 12px ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; color: var(--dim); }
                .card.err .code { color: var(--err); font-weight: 600; margin-top: 2px; }
                .card.err .msg { font-size: 12px; overflow-wrap: anywhere; }
                p.omitted { color: var(--dim); font-style: italic; }
                footer { color: var(--dim); font-size: 12px; padding: 0 24px 24px; }
                """.formatted(Math.max(t, 150) + 16, t);
    }
}
