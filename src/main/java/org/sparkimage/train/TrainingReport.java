package org.sparkimage.train;

import java.util.List;
import java.util.Locale;

import org.sparkimage.util.HtmlText;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, no network) that
 * says at a glance how the head did: the held-out accuracy and macro-F1 first, then per-class
 * precision/recall/F1, the confusion matrix drawn as a heat map, the validation curve over the
 * regularisation grid with the chosen point, the images per class and the files that failed.
 */
final class TrainingReport {
    private static final int CURVE_W = 560;
    private static final int CURVE_H = 220;

    private TrainingReport() {}

    static String html(TrainingSummary s) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Training report: ")
                .append(esc(s.name())).append("</title>\n<style>\n")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
                .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
                .append(".kpi{display:inline-block;margin:0 28px 8px 0}.kpi b{display:block;font-size:30px}")
                .append("table{border-collapse:collapse}td,th{padding:3px 8px;border:1px solid #ddd;text-align:right}")
                .append("th{background:#f4f4f4}td.l,th.l{text-align:left}.dim{color:#777}.path{font-family:monospace;font-size:12px}")
                .append("\n</style></head><body>\n");
        b.append("<h1>Training report: ").append(esc(s.name())).append("</h1>\n");
        b.append("<p class=\"dim\">backbone ").append(esc(s.backbone())).append(" (sha256 ").append(esc(s.backboneSha256(), 12))
                .append("), model sha256 ").append(esc(s.modelSha256(), 12)).append(", training set sha256 ")
                .append(esc(s.trainingSetSha256(), 12)).append("</p>\n");
        ValidationMetrics v = s.validation();
        b.append("<div id=\"headline\">")
                .append(kpi("validation accuracy", pct(v.accuracy())))
                .append(kpi("macro-F1", String.format(Locale.ROOT, "%.3f", v.macroF1())))
                .append(kpi("log loss", String.format(Locale.ROOT, "%.3f", v.logLoss())))
                .append(kpi("validation images", Long.toString(v.rows())))
                .append(kpi("chance (largest class)", pct(largestShare(s))))
                .append("</div>\n<p class=\"dim\">Validation images were held out before the regularisation was chosen"
                        + " (by cross-validation on the rest), so these figures are not tuned on them.</p>\n");
        perClass(b, v);
        confusion(b, v);
        curve(b, s);
        counts(b, s);
        failed(b, s.failed());
        return b.append("</body></html>\n").toString();
    }

    private static void perClass(StringBuilder b, ValidationMetrics v) {
        b.append("<h2>Per class (validation)</h2>\n<table id=\"per-class\"><tr><th class=\"l\">class</th><th>support</th>"
                + "<th>precision</th><th>recall</th><th>F1</th></tr>\n");
        for (ValidationMetrics.ClassMetrics c : v.perClass()) {
            b.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%d</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>%n",
                    esc(c.label()), c.support(), c.precision(), c.recall(), c.f1()));
        }
        b.append("</table>\n");
    }

    /** Rows: true class; columns: predicted; each cell shaded by its share of the row. */
    private static void confusion(StringBuilder b, ValidationMetrics v) {
        b.append("<h2>Confusion matrix (validation; rows: given class, columns: predicted)</h2>\n<table id=\"confusion\"><tr><th></th>");
        for (ValidationMetrics.ClassMetrics c : v.perClass()) b.append("<th>").append(esc(c.label())).append("</th>");
        b.append("</tr>\n");
        for (int t = 0; t < v.confusion().length; t++) {
            long[] row = v.confusion()[t];
            long total = java.util.Arrays.stream(row).sum();
            b.append("<tr><th class=\"l\">").append(esc(v.perClass().get(t).label())).append("</th>");
            for (int p = 0; p < row.length; p++) {
                double share = total == 0 ? 0 : (double) row[p] / total;
                String color = p == t ? "rgba(46,125,50,%.2f)" : "rgba(198,40,40,%.2f)";
                b.append(String.format(Locale.ROOT, "<td style=\"background:" + color + "\">%d</td>", 0.08 + 0.8 * share, row[p]));
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    /** Mean cross-validated log loss per regParam (log axis) with one standard deviation, the chosen point ringed. */
    private static void curve(StringBuilder b, TrainingSummary s) {
        List<HeadTrainer.CurvePoint> pts = s.curve();
        b.append("<h2>Validation curve (").append(s.settings().folds()).append("-fold cross-validation on the training images)</h2>\n");
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (HeadTrainer.CurvePoint p : pts) {
            double x = logX(p.regParam());
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, p.logLoss() + p.logLossStd());
        }
        if (maxX - minX < 1e-9) {
            minX -= 1;
            maxX += 1;
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.1;
        b.append(String.format(Locale.ROOT, "<svg id=\"curve\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-size=\"11\"><rect x=\"50\" y=\"10\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>",
                CURVE_W + 80, CURVE_H + 50, CURVE_W, CURVE_H));
        StringBuilder line = new StringBuilder();
        for (HeadTrainer.CurvePoint p : pts) {
            double x = 50 + (logX(p.regParam()) - minX) / (maxX - minX) * CURVE_W;
            double y = 10 + CURVE_H - p.logLoss() / maxY * CURVE_H;
            double lo = 10 + CURVE_H - Math.max(0, p.logLoss() - p.logLossStd()) / maxY * CURVE_H;
            double hi = 10 + CURVE_H - (p.logLoss() + p.logLossStd()) / maxY * CURVE_H;
            line.append(line.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>", x, lo, x, hi));
            b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"/>", x, y,
                    p.regParam() == s.regParam() ? 6 : 3, p.regParam() == s.regParam() ? "#e15759" : "#4e79a7"));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, CURVE_H + 25,
                    num(p.regParam())));
        }
        b.append("<path d=\"").append(line).append("\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"1.5\"/>");
        b.append(String.format(Locale.ROOT, "<text x=\"45\" y=\"20\" text-anchor=\"end\">%.2f</text>"
                + "<text x=\"45\" y=\"%d\" text-anchor=\"end\">0</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">regParam"
                + " (log scale); y: mean log loss over the folds, bars: one standard deviation</text></svg>%n",
                maxY, CURVE_H + 10, 50 + CURVE_W / 2, CURVE_H + 42));
        b.append("<table id=\"grid\"><tr><th>regParam</th><th>log loss</th><th>&plusmn;</th><th>accuracy</th><th>&plusmn;</th></tr>\n");
        for (HeadTrainer.CurvePoint p : pts) {
            b.append(String.format(Locale.ROOT, "<tr%s><td>%s</td><td>%.4f</td><td>%.4f</td><td>%.3f</td><td>%.3f</td></tr>%n",
                    p.regParam() == s.regParam() ? " class=\"chosen\" style=\"font-weight:bold\"" : "", num(p.regParam()),
                    p.logLoss(), p.logLossStd(), p.accuracy(), p.accuracyStd()));
        }
        b.append("</table>\n<p>Chosen: regParam <b>").append(num(s.regParam())).append("</b> (lowest mean log loss).</p>\n");
    }

    private static void counts(StringBuilder b, TrainingSummary s) {
        b.append("<h2>Images per class</h2>\n<table id=\"counts\"><tr><th class=\"l\">class</th><th>images</th><th>train</th>"
                + "<th>validation</th></tr>\n");
        for (int i = 0; i < s.classes().size(); i++) {
            b.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%d</td><td>%d</td><td>%d</td></tr>%n",
                    esc(s.classes().get(i)), s.perClass()[i], s.perClass()[i] - s.validationPerClass()[i], s.validationPerClass()[i]));
        }
        b.append("</table>\n<p class=\"dim\">");
        s.data().forEach((k, n) -> b.append(esc(k.replace('_', ' '))).append(": ").append(n).append("; "));
        b.append(String.format(Locale.ROOT, "embedding: %.1f s%s; training: %.1f s.</p>%n", s.embedding().seconds(),
                s.embedding().reused() ? " (cached, no image read this run)" : String.format(Locale.ROOT, ", %.1f images/s",
                        s.embedding().imagesPerSecond()), s.trainSeconds()));
    }

    private static void failed(StringBuilder b, List<TrainingSummary.FailedFile> failed) {
        b.append("<h2>Files that failed (").append(failed.size()).append(", left out of training)</h2>\n");
        if (failed.isEmpty()) {
            b.append("<p>None.</p>\n");
            return;
        }
        b.append("<table id=\"failed\"><tr><th class=\"l\">path</th><th class=\"l\">class</th><th class=\"l\">error</th>"
                + "<th class=\"l\">message</th></tr>\n");
        for (TrainingSummary.FailedFile f : failed) {
            b.append("<tr><td class=\"l path\">").append(esc(f.path())).append("</td><td class=\"l\">").append(esc(f.label()))
                    .append("</td><td class=\"l\">").append(esc(f.errorCode())).append("</td><td class=\"l\">")
                    .append(esc(f.errorMessage())).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static double largestShare(TrainingSummary s) {
        long total = java.util.Arrays.stream(s.perClass()).sum();
        long max = java.util.Arrays.stream(s.perClass()).max().orElse(0);
        return total == 0 ? 0 : (double) max / total;
    }

    private static double logX(double reg) {
        return Math.log10(Math.max(reg, 1e-12));
    }

    private static String kpi(String name, String value) {
        return "<div class=\"kpi\"><b>" + esc(value) + "</b>" + esc(name) + "</div>";
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    private static String num(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, "%g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    private static String esc(String s) {
        return HtmlText.escape(s);
    }

    private static String esc(String s, int chars) {
        return s == null ? "" : HtmlText.escape(s.substring(0, Math.min(chars, s.length())));
    }
}
