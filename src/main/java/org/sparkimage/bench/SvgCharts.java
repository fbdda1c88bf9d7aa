package org.sparkimage.bench;

import java.util.List;
import java.util.Locale;

/** Small self-contained SVG charts for the benchmark report: no scripts, no external assets. */
final class SvgCharts {
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1"};
    private static final int W = 720;
    private static final int ROW = 22;
    private static final int MARKED_POINTS = 20;

    /** One labelled value. */
    record Bar(String label, double value) {}

    /** A labelled row of stacked segments. */
    record Stack(String label, double[] segments) {}

    /** A named line of (x, y) points. */
    record Series(String name, double[] x, double[] y) {}

    /** Vertical bars from {@code lo} to {@code hi} at each {@code x}: the spread behind a plotted value. */
    record Range(double[] x, double[] lo, double[] hi) {}

    private SvgCharts() {
    }

    static String bars(String title, String unit, List<Bar> bars) {
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        int h = 40 + bars.size() * ROW;
        StringBuilder b = header(title, h);
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = 30 + i * ROW;
            double len = max > 0 ? bar.value() / max * (W - 330) : 0;
            b.append(text(5, y + 14, bar.label(), "start"));
            b.append(String.format(Locale.ROOT, "<rect x='230' y='%d' width='%.1f' height='16' fill='%s'/>", y, len, COLORS[i % COLORS.length]));
            b.append(text(235 + (int) len, y + 13, fmt(bar.value()) + " " + unit, "start"));
        }
        return b.append("</svg>").toString();
    }

    static String stacked(String title, String unit, String[] segmentNames, List<Stack> rows) {
        double max = rows.stream().mapToDouble(r -> sum(r.segments())).max().orElse(1);
        int h = 60 + rows.size() * ROW;
        StringBuilder b = header(title, h);
        for (int i = 0; i < rows.size(); i++) {
            Stack row = rows.get(i);
            int y = 30 + i * ROW;
            b.append(text(5, y + 14, row.label(), "start"));
            double x = 230;
            for (int s = 0; s < row.segments().length; s++) {
                double len = max > 0 ? row.segments()[s] / max * (W - 330) : 0;
                b.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='16' fill='%s'><title>%s %s %s</title></rect>",
                        x, y, len, COLORS[s % COLORS.length], esc(segmentNames[s]), fmt(row.segments()[s]), unit));
                x += len;
            }
            b.append(text((int) x + 5, y + 13, fmt(sum(row.segments())) + " " + unit, "start"));
        }
        int ly = 40 + rows.size() * ROW;
        for (int s = 0; s < segmentNames.length; s++) {
            b.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='10' height='10' fill='%s'/>", 230 + s * 110, ly, COLORS[s % COLORS.length]));
            b.append(text(244 + s * 110, ly + 9, segmentNames[s], "start"));
        }
        return b.append("</svg>").toString();
    }

    /** Histogram of values on a log10 x axis (latencies span orders of magnitude). */
    static String logHistogram(String title, String unit, List<Series> samples) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Series s : samples) for (double v : s.y()) if (v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (hi == 0) return header(title, 60).append(text(10, 45, "no data", "start")).append("</svg>").toString();
        double a = Math.floor(Math.log10(lo));
        double z = Math.ceil(Math.log10(hi) + 1e-9);
        if (z <= a) z = a + 1;
        int bins = 40;
        int h = 240;
        StringBuilder b = header(title, h);
        int plotW = W - 80;
        int plotH = h - 70;
        for (int k = 0; k < samples.size(); k++) {
            Series s = samples.get(k);
            int[] counts = new int[bins];
            for (double v : s.y()) {
                if (v <= 0) continue;
                int bin = (int) Math.min(bins - 1, Math.floor((Math.log10(v) - a) / (z - a) * bins));
                counts[bin]++;
            }
            int max = 1;
            for (int c : counts) max = Math.max(max, c);
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < bins; i++) {
                double x = 50 + (i + 0.5) * plotW / bins;
                double y = 30 + plotH - (double) counts[i] / max * plotH;
                path.append(i == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            b.append(String.format("<path d='%s' fill='none' stroke='%s' stroke-width='2'/>", path, COLORS[k % COLORS.length]));
            b.append(text(60 + k * 200, 24, s.name(), "start").replace("<text", "<text fill='" + COLORS[k % COLORS.length] + "'"));
        }
        for (double d = a; d <= z; d++) {
            double x = 50 + (d - a) / (z - a) * plotW;
            b.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ccc'/>", x, 30, x, 30 + plotH));
            b.append(text((int) x, 30 + plotH + 15, fmt(Math.pow(10, d)) + " " + unit, "middle"));
        }
        b.append(text(10, h - 8, "share of images per bin (each curve scaled to its own maximum)", "start"));
        return b.append("</svg>").toString();
    }

    static String lines(String title, String xUnit, String yUnit, List<Series> series) {
        return lines(title, xUnit, yUnit, series, List.of());
    }

    /** Lines, with range bars (drawn in grey, with end ticks) over them. */
    static String lines(String title, String xUnit, String yUnit, List<Series> series, List<Range> ranges) {
        double xmax = 1;
        double ymax = 1;
        for (Series s : series) {
            for (double v : s.x()) xmax = Math.max(xmax, v);
            for (double v : s.y()) ymax = Math.max(ymax, v);
        }
        for (Range r : ranges) for (double v : r.hi()) ymax = Math.max(ymax, v);
        int h = 260;
        int plotW = W - 90;
        int plotH = h - 70;
        StringBuilder b = header(title, h);
        b.append(String.format("<rect x='60' y='30' width='%d' height='%d' fill='none' stroke='#ccc'/>", plotW, plotH));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (s.y()[i] < 0) continue;
                double x = 60 + s.x()[i] / xmax * plotW;
                double y = 30 + plotH - s.y()[i] / ymax * plotH;
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            b.append(String.format("<path d='%s' fill='none' stroke='%s' stroke-width='1.5'/>", path, COLORS[k % COLORS.length]));
            b.append(text(70 + k * 170, 24, s.name(), "start").replace("<text", "<text fill='" + COLORS[k % COLORS.length] + "'"));
            // markers on short series only (a scaling curve's points, not a memory trace's samples)
            for (int i = 0; i < s.x().length && s.x().length <= MARKED_POINTS; i++) {
                if (s.y()[i] < 0) continue;
                b.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>", 60 + s.x()[i] / xmax * plotW,
                        30 + plotH - s.y()[i] / ymax * plotH, COLORS[k % COLORS.length]));
            }
        }
        for (Range r : ranges) {
            for (int i = 0; i < r.x().length; i++) {
                double x = 60 + r.x()[i] / xmax * plotW;
                double lo = 30 + plotH - r.lo()[i] / ymax * plotH;
                double hi = 30 + plotH - r.hi()[i] / ymax * plotH;
                b.append(String.format(Locale.ROOT, "<path d='M%.1f,%.1fL%.1f,%.1fM%.1f,%.1fL%.1f,%.1fM%.1f,%.1fL%.1f,%.1f' stroke='#555'/>",
                        x, lo, x, hi, x - 4, lo, x + 4, lo, x - 4, hi, x + 4, hi));
            }
        }
        b.append(text(60, 30 + plotH + 15, "0", "middle")).append(text(60 + plotW, 30 + plotH + 15, fmt(xmax) + " " + xUnit, "end"));
        b.append(text(55, 40, fmt(ymax) + " " + yUnit, "end")).append(text(55, 30 + plotH, "0", "end"));
        return b.append("</svg>").toString();
    }

    private static StringBuilder header(String title, int h) {
        return new StringBuilder(String.format(
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>", W, h))
                .append(String.format("<text x='5' y='16' font-weight='bold'>%s</text>", esc(title)));
    }

    private static String text(int x, int y, String s, String anchor) {
        return String.format("<text x='%d' y='%d' text-anchor='%s'>%s</text>", x, y, anchor, esc(s));
    }

    static String fmt(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 0.1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }
}
