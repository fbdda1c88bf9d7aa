package org.sparkimage.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How far one setting (B) moves the model's answers away from a reference setting (A) over the same
 * images: top-1 agreement overall and on the images the reference is confident about, the drift of
 * the probabilities, the images that failed on either side and the images whose label flipped.
 *
 * <p>|Δp| of an image is the largest absolute difference between the two probability vectors over
 * all classes (the strict choice: a drift that moves mass between two classes the top-1 does not
 * involve still counts). Its p99 is the nearest-rank percentile: the smallest value that at least
 * 99 % of the compared images are at or below.
 *
 * @param images          paths seen on either side
 * @param compared        paths classified (not an error row) on both sides
 * @param agreed          compared paths with the same top-1 class
 * @param confident       compared paths whose reference margin (top-1 minus top-2 probability) is above {@code margin}
 * @param confidentAgreed confident paths with the same top-1 class
 * @param margin          the confidence threshold
 * @param deltaMean       mean |Δp| over the compared paths (0 when none)
 * @param deltaP99        nearest-rank 99th percentile of |Δp| (0 when none)
 * @param deltaMax        largest |Δp| (0 when none)
 * @param errors          paths that are an error row (or missing) on either side, by path
 * @param flips           compared paths whose top-1 class differs, largest reference margin first
 */
public record Agreement(int images, int compared, int agreed, int confident, int confidentAgreed, double margin,
                        double deltaMean, double deltaP99, double deltaMax, List<ErrorRow> errors, List<Flip> flips) {

    /** The confidence threshold of the issue: a reference margin above 0.2 should survive any fast path. */
    public static final double DEFAULT_MARGIN = 0.2;

    /**
     * One side's row for one image: class probabilities, or the error code of an error row.
     *
     * @param probabilities one per class, index = class id; null for an error row
     * @param errorCode     null when classified
     */
    public record Outcome(double[] probabilities, String errorCode) {
        /** A classified image. */
        public static Outcome of(double... probabilities) {
            return new Outcome(probabilities.clone(), null);
        }

        /** An error row. */
        public static Outcome error(String code) {
            return new Outcome(null, code);
        }

        boolean ok() {
            return probabilities != null;
        }

        int top1() {
            int best = 0;
            for (int c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
            return best;
        }

        /** Top-1 minus top-2 probability. */
        double margin() {
            double[] sorted = probabilities.clone();
            Arrays.sort(sorted);
            return sorted.length < 2 ? sorted[0] : sorted[sorted.length - 1] - sorted[sorted.length - 2];
        }
    }

    /**
     * An image that is an error row on at least one side.
     *
     * @param a the reference side's error code, null when it classified the image, {@code MISSING} when it has no row
     * @param b the other side's, likewise
     */
    public record ErrorRow(String path, String a, String b) {}

    /**
     * An image whose top-1 class differs between the sides.
     *
     * @param labelA     the reference's top-1
     * @param labelB     the other side's top-1
     * @param pA         the reference's top-1 probability
     * @param pB         the other side's top-1 probability
     * @param pBOfLabelA the other side's probability of the reference's top-1
     * @param marginA    the reference's top-1 minus top-2 probability
     * @param delta      the image's |Δp|
     */
    public record Flip(String path, String labelA, String labelB, double pA, double pB, double pBOfLabelA, double marginA,
                       double delta) {}

    /**
     * Compares two sides' outcomes, path by path.
     *
     * @param a      the reference side, by path
     * @param b      the other side, by path
     * @param labels class names, index = class id
     * @param margin confidence threshold on the reference margin
     */
    public static Agreement of(Map<String, Outcome> a, Map<String, Outcome> b, List<String> labels, double margin) {
        TreeSet<String> paths = new TreeSet<>(a.keySet());
        paths.addAll(b.keySet());
        int compared = 0, agreed = 0, confident = 0, confidentAgreed = 0;
        List<Double> deltas = new ArrayList<>();
        List<ErrorRow> errors = new ArrayList<>();
        List<Flip> flips = new ArrayList<>();
        for (String path : paths) {
            Outcome x = a.get(path);
            Outcome y = b.get(path);
            if (x == null || y == null || !x.ok() || !y.ok()) {
                errors.add(new ErrorRow(path, code(x), code(y)));
                continue;
            }
            if (x.probabilities().length != y.probabilities().length) {
                throw new IllegalArgumentException(path + ": " + x.probabilities().length + " classes on one side, "
                        + y.probabilities().length + " on the other");
            }
            compared++;
            double delta = 0;
            for (int c = 0; c < x.probabilities().length; c++) {
                delta = Math.max(delta, Math.abs(x.probabilities()[c] - y.probabilities()[c]));
            }
            deltas.add(delta);
            int ta = x.top1();
            int tb = y.top1();
            boolean sure = x.margin() > margin;
            if (sure) confident++;
            if (ta == tb) {
                agreed++;
                if (sure) confidentAgreed++;
            } else {
                flips.add(new Flip(path, labels.get(ta), labels.get(tb), x.probabilities()[ta], y.probabilities()[tb],
                        y.probabilities()[ta], x.margin(), delta));
            }
        }
        flips.sort((f, g) -> Double.compare(g.marginA(), f.marginA()));
        double[] d = deltas.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = d.length == 0 ? 0 : Arrays.stream(d).sum() / d.length;
        return new Agreement(paths.size(), compared, agreed, confident, confidentAgreed, margin, mean, percentile(d, 0.99),
                d.length == 0 ? 0 : d[d.length - 1], List.copyOf(errors), List.copyOf(flips));
    }

    private static String code(Outcome o) {
        return o == null ? "MISSING" : o.errorCode();
    }

    /** Nearest rank: the value at rank ceil(q * n) of the sorted values (1-based); 0 for none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /** Top-1 agreement over the compared images (1 when none). */
    public double agreement() {
        return compared == 0 ? 1 : agreed / (double) compared;
    }

    /** Top-1 agreement over the confident images (1 when none). */
    public double confidentAgreement() {
        return confident == 0 ? 1 : confidentAgreed / (double) confident;
    }

    /** Confident images whose top-1 changed. */
    public int confidentFlips() {
        return confident - confidentAgreed;
    }

    /** The figures as plain values for JSON ({@link org.sparkimage.util.JsonFiles}). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images);
        m.put("compared", compared);
        m.put("top1_agreement", agreement());
        m.put("agreed", agreed);
        m.put("confident_margin", margin);
        m.put("confident", confident);
        m.put("confident_agreement", confidentAgreement());
        m.put("confident_flips", confidentFlips());
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("definition", "max over classes of |p_a - p_b| per image; p99 nearest-rank");
        delta.put("mean", deltaMean);
        delta.put("p99", deltaP99);
        delta.put("max", deltaMax);
        m.put("delta_p", delta);
        List<Map<String, Object>> err = new ArrayList<>();
        for (ErrorRow e : errors) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("path", e.path());
            row.put("a", e.a());
            row.put("b", e.b());
            err.add(row);
        }
        m.put("errors", err);
        List<Map<String, Object>> fl = new ArrayList<>();
        for (Flip f : flips) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("path", f.path());
            row.put("label_a", f.labelA());
            row.put("label_b", f.labelB());
            row.put("p_a", f.pA());
            row.put("p_b", f.pB());
            row.put("p_b_of_label_a", f.pBOfLabelA());
            row.put("margin_a", f.marginA());
            row.put("delta_p", f.delta());
            fl.add(row);
        }
        m.put("flips", fl);
        return m;
    }

    /** A plain-text table of the figures, then one line per error row and per flip. */
    public String table() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("images %d, compared %d, error rows %d%n", images, compared, errors.size()));
        s.append(String.format("%-28s %10s %8s%n", "", "agreement", "flips"));
        s.append(String.format("%-28s %9.2f%% %8d%n", "top-1, all compared", 100 * agreement(), compared - agreed));
        s.append(String.format("%-28s %9.2f%% %8d  (%d images)%n", "top-1, margin > " + margin, 100 * confidentAgreement(),
                confidentFlips(), confident));
        s.append(String.format("|dp| (max over classes): mean %.4f  p99 %.4f  max %.4f%n", deltaMean, deltaP99, deltaMax));
        for (ErrorRow e : errors) s.append(String.format("error  %s  a=%s b=%s%n", e.path(), e.a(), e.b()));
        for (Flip f : flips) {
            s.append(String.format("flip   %s  %s %.3f -> %s %.3f (b's %s %.3f)  margin %.3f  |dp| %.3f%n", f.path(), f.labelA(),
                    f.pA(), f.labelB(), f.pB(), f.labelA(), f.pBOfLabelA(), f.marginA(), f.delta()));
        }
        return s.toString();
    }
}
