package org.sparkimage.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.image.DecodeMode;

import picocli.CommandLine;

/** The harness's statistics on small hand-made outcomes, and its parsing of one side's options. */
class AgreementTest {
    private static final List<String> LABELS = List.of("x", "y", "z");

    /**
     * Five paths: one agreeing confident image, one unconfident flip, one confident flip, one error
     * row on the reference side and one path the other side lacks.
     */
    private static Agreement sample() {
        Map<String, Agreement.Outcome> a = new LinkedHashMap<>();
        Map<String, Agreement.Outcome> b = new LinkedHashMap<>();
        a.put("1.jpg", Agreement.Outcome.of(0.7, 0.2, 0.1));   // margin 0.5
        b.put("1.jpg", Agreement.Outcome.of(0.6, 0.3, 0.1));   // same top-1, |dp| 0.1
        a.put("2.jpg", Agreement.Outcome.of(0.5, 0.4, 0.1));   // margin 0.1: not confident
        b.put("2.jpg", Agreement.Outcome.of(0.4, 0.5, 0.1));   // x -> y, |dp| 0.1
        a.put("3.jpg", Agreement.Outcome.of(0.9, 0.05, 0.05)); // margin 0.85
        b.put("3.jpg", Agreement.Outcome.of(0.3, 0.6, 0.1));   // x -> y, |dp| max(0.6, 0.55, 0.05) = 0.6
        a.put("4.png", Agreement.Outcome.error("CORRUPT"));
        b.put("4.png", Agreement.Outcome.of(0.2, 0.2, 0.6));
        a.put("5.png", Agreement.Outcome.of(0.2, 0.2, 0.6));
        return Agreement.of(a, b, LABELS, 0.2);
    }

    @Test
    void countsAgreementOverallAndOnConfidentImages() {
        Agreement ag = sample();
        assertEquals(5, ag.images());
        assertEquals(3, ag.compared());
        assertEquals(1, ag.agreed());
        assertEquals(1.0 / 3, ag.agreement(), 1e-12);
        assertEquals(2, ag.confident());
        assertEquals(1, ag.confidentFlips());
        assertEquals(0.5, ag.confidentAgreement(), 1e-12);
    }

    @Test
    void deltaIsTheLargestClassDifferencePerImage() {
        Agreement ag = sample();
        assertEquals((0.1 + 0.1 + 0.6) / 3, ag.deltaMean(), 1e-12);
        assertEquals(0.6, ag.deltaP99(), 1e-12, "nearest rank ceil(0.99 * 3) = 3rd of 3");
        assertEquals(0.6, ag.deltaMax(), 1e-12);
    }

    @Test
    void listsFlipsByReferenceMarginAndErrorRowsOfEitherSide() {
        Agreement ag = sample();
        assertEquals(2, ag.flips().size());
        Agreement.Flip first = ag.flips().get(0);
        assertEquals("3.jpg", first.path());
        assertEquals("x", first.labelA());
        assertEquals("y", first.labelB());
        assertEquals(0.9, first.pA(), 1e-12);
        assertEquals(0.6, first.pB(), 1e-12);
        assertEquals(0.3, first.pBOfLabelA(), 1e-12);
        assertEquals(0.85, first.marginA(), 1e-12);
        assertEquals(0.6, first.delta(), 1e-12);
        assertEquals("2.jpg", ag.flips().get(1).path());
        assertEquals(List.of(new Agreement.ErrorRow("4.png", "CORRUPT", null), new Agreement.ErrorRow("5.png", null, "MISSING")),
                ag.errors());
    }

    @Test
    void percentileIsNearestRank() {
        double[] v = new double[200];
        for (int i = 0; i < v.length; i++) v[i] = (i + 1) / 1000.0;
        assertEquals(0.198, Agreement.percentile(v, 0.99), 1e-12);
        assertEquals(0.001, Agreement.percentile(v, 0.0), 1e-12);
        assertEquals(0.0, Agreement.percentile(new double[0], 0.99));
        assertEquals(0.007, Agreement.percentile(new double[] {0.007}, 0.99), 1e-12);
    }

    @Test
    void noComparedImagesMeansNoDriftAndFullAgreement() {
        Agreement ag = Agreement.of(Map.of("a.png", Agreement.Outcome.error("EMPTY")), Map.of(), LABELS, 0.2);
        assertEquals(1, ag.images());
        assertEquals(0, ag.compared());
        assertEquals(1.0, ag.agreement());
        assertEquals(0.0, ag.deltaMax());
        assertEquals(1, ag.errors().size());
    }

    @Test
    void refusesVectorsOfDifferentLengths() {
        assertThrows(IllegalArgumentException.class, () -> Agreement.of(Map.of("a", Agreement.Outcome.of(0.5, 0.5)),
                Map.of("a", Agreement.Outcome.of(0.2, 0.3, 0.5)), LABELS, 0.2));
    }

    @Test
    void jsonAndTableCarryTheFigures() {
        Agreement ag = sample();
        Map<String, Object> json = ag.toJson();
        assertEquals(3, json.get("compared"));
        assertEquals(1, json.get("confident_flips"));
        assertEquals(0.6, (Double) ((Map<?, ?>) json.get("delta_p")).get("p99"), 1e-12);
        assertEquals(2, ((List<?>) json.get("flips")).size());
        String table = ag.table();
        assertTrue(table.contains("images 5, compared 3, error rows 2"), table);
        assertTrue(table.contains("flip   3.jpg  x 0.900 -> y 0.600"), table);
        assertTrue(table.contains("mean 0.2667  p99 0.6000  max 0.6000"), table);
    }

    @Test
    void eachSideIsParsedByTheCliMixin() {
        ClassifierSettings s = AgreementCommand.settings("  --decode scaled   --batch-size 4 ");
        assertEquals(DecodeMode.SCALED, s.decodeMode());
        assertEquals(4, s.batchSize());
        assertEquals(ClassifierSettings.DEFAULTS, AgreementCommand.settings(""));
        assertEquals(DecodeMode.FULL, AgreementCommand.settings("--decode FULL").decodeMode());
        assertThrows(CommandLine.ParameterException.class, () -> AgreementCommand.settings("--no-such-option"));
        assertThrows(CommandLine.ParameterException.class, () -> AgreementCommand.settings("--decode sideways"));
    }
}
