package org.sparkimage.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The scaling curve's arithmetic on made-up rounds. */
class ScalingCurveTest {
    private static CorpusResult result(double... eRounds) {
        double best = java.util.Arrays.stream(eRounds).max().orElseThrow();
        double[] c = new double[eRounds.length];
        double[] d = new double[eRounds.length];
        java.util.Arrays.fill(c, 400);
        java.util.Arrays.fill(d, 400);
        return new CorpusResult("corpus", "fp32", "/corpus", 100, 0.2, 400, 400, 400, 100, best, 1, new double[4], List.of(),
                new double[0], new double[0], new double[][] {c, c, d, eRounds}, List.of());
    }

    @Test
    void efficiencyIsAgainstTheSmallestPointScaledByExecutors() {
        // Points given largest first, as they are measured.
        ScalingCurve curve = new ScalingCurve(List.of(
                new ScalingCurve.Point(4, 2, List.of(result(300, 320, 310))),
                new ScalingCurve.Point(1, 2, List.of(result(90, 100, 95)))));
        assertEquals(1, curve.points().get(0).executors());
        assertEquals(4, curve.largest().executors());
        Map<String, List<ScalingCurve.Row>> rows = curve.rows();
        List<ScalingCurve.Row> r = rows.get("corpus");
        assertEquals(2, r.size());
        ScalingCurve.Row one = r.get(0);
        ScalingCurve.Row four = r.get(1);
        assertEquals(1.0, one.efficiency(), 1e-9);
        assertEquals(100 / 2.0, one.perCore(), 1e-9);
        assertEquals(8, four.cores());
        assertEquals(320 / 8.0, four.perCore(), 1e-9);
        assertEquals(320 / (4 * 100.0), four.efficiency(), 1e-9);
        assertEquals(310 / (4 * 95.0), four.efficiencyMedian(), 1e-9);
        assertEquals(300 / (4 * 100.0), four.efficiencyLow(), 1e-9, "slowest rounds against the fastest");
        assertEquals(320 / (4 * 90.0), four.efficiencyHigh(), 1e-9);
        assertTrue(four.efficiencyLow() <= four.efficiency() && four.efficiency() <= four.efficiencyHigh());
        assertEquals(320 * (1 / 400.0 + 1 / 400.0), four.eOverH(), 1e-9);
    }

    @Test
    void withoutAOneExecutorPointTheSmallestIsTheBase() {
        ScalingCurve curve = new ScalingCurve(List.of(new ScalingCurve.Point(2, 1, List.of(result(100))),
                new ScalingCurve.Point(4, 1, List.of(result(150)))));
        List<ScalingCurve.Row> r = curve.rows().get("corpus");
        assertEquals(1.0, r.get(0).efficiency(), 1e-9);
        assertEquals(150 / (2 * 100.0), r.get(1).efficiency(), 1e-9);
    }
}
