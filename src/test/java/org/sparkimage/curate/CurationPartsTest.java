package org.sparkimage.curate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkimage.testing.TestSpark;

/**
 * The curation parts on tables small enough to work out by hand: confident learning's thresholds,
 * joint, flags and ranks; connected components; the uncertainty columns; Label Studio URLs.
 */
class CurationPartsTest {
    private static final StructType PROBS = new StructType().add("path", DataTypes.StringType, false)
            .add("label_index", DataTypes.IntegerType, false)
            .add("probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private static Dataset<Row> probabilities(Object[]... rows) {
        SparkSession spark = TestSpark.session();
        return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), PROBS);
    }

    /**
     * Three classes. Thresholds: a = (0.9 + 0.8 + 0.1) / 3 = 0.6, b = (0.7 + 0.6) / 2 = 0.65, c = 0.5 (one image).
     * r3 (given a) has p_b = 0.85 >= 0.65 and p_a = 0.1 < 0.6: an issue, suggested b.
     * r5 (given b) has p_b 0.6 < 0.65, p_a 0.3 < 0.6, p_c 0.1 < 0.5: no confident class, not counted.
     * r6 (given c) has p_c 0.5 >= 0.5 and p_a 0.45 < 0.6: on the diagonal.
     */
    @Test
    void confidentLearningByHand() {
        Dataset<Row> rows = probabilities(
                new Object[] {"r1", 0, List.of(0.9, 0.05, 0.05)},
                new Object[] {"r2", 0, List.of(0.8, 0.1, 0.1)},
                new Object[] {"r3", 0, List.of(0.1, 0.85, 0.05)},
                new Object[] {"r4", 1, List.of(0.2, 0.7, 0.1)},
                new Object[] {"r5", 1, List.of(0.3, 0.6, 0.1)},
                new Object[] {"r6", 2, List.of(0.45, 0.05, 0.5)});
        LabelIssues.Found found = LabelIssues.find(rows, "path", "label_index", "probabilities", List.of("a", "b", "c"));
        assertArrayEquals(new double[] {0.6, 0.65, 0.5}, found.thresholds(), 1e-12);
        assertArrayEquals(new long[] {2, 1, 0}, found.joint()[0]);
        assertArrayEquals(new long[] {0, 1, 0}, found.joint()[1]);
        assertArrayEquals(new long[] {0, 0, 1}, found.joint()[2]);
        assertEquals(1, found.count());
        List<Row> issues = found.issues().collectAsList();
        assertEquals(1, issues.size());
        Row r = issues.get(0);
        assertEquals("r3", r.getAs("path"));
        assertEquals("a", r.getAs(LabelIssues.GIVEN));
        assertEquals("b", r.getAs(LabelIssues.SUGGESTED));
        assertEquals(0.1, (double) r.getAs(LabelIssues.SELF_CONFIDENCE), 1e-12);
        assertEquals(0.85, (double) r.getAs(LabelIssues.SUGGESTED_PROBABILITY), 1e-12);
        assertEquals(1L, (long) r.getAs(LabelIssues.RANK));
        assertEquals("p(b)=0.850 reaches the threshold of b (0.650); the given a is under its own (0.100 < 0.600)",
                r.getAs(LabelIssues.REASON));
        Map<String, Integer> confident = new HashMap<>();
        found.scored().collectAsList().forEach(x -> confident.put(x.getAs("path"), x.getAs(LabelIssues.CONFIDENT_INDEX)));
        assertEquals(-1, confident.get("r5"));
        assertEquals(2, confident.get("r6"));
    }

    /** Ranks follow self-confidence, lowest first, whatever order the rows come in. */
    @Test
    void issuesAreRankedBySelfConfidence() {
        Dataset<Row> rows = probabilities(
                new Object[] {"x", 0, List.of(0.3, 0.7)},
                new Object[] {"y", 0, List.of(0.1, 0.9)},
                new Object[] {"z", 0, List.of(0.95, 0.05)},
                new Object[] {"w", 0, List.of(0.95, 0.05)},
                new Object[] {"v", 1, List.of(0.2, 0.8)},
                new Object[] {"u", 1, List.of(0.4, 0.6)});
        List<Row> issues = LabelIssues.find(rows.repartition(3), "path", "label_index", "probabilities", List.of("a", "b"))
                .issues().orderBy(LabelIssues.RANK).collectAsList();
        assertEquals(List.of("y", "x"), issues.stream().map(r -> (String) r.getAs("path")).toList());
        assertEquals(List.of(1L, 2L), issues.stream().map(r -> (Long) r.getAs(LabelIssues.RANK)).toList());
    }

    @Test
    void connectedComponentsOfChainsPairsAndSelfEdges() {
        SparkSession spark = TestSpark.session();
        StructType edge = new StructType().add("src", DataTypes.StringType).add("dst", DataTypes.StringType);
        Dataset<Row> edges = spark.createDataFrame(List.of(RowFactory.create("e", "d"), RowFactory.create("d", "c"),
                RowFactory.create("c", "b"), RowFactory.create("b", "a"), RowFactory.create("x", "y"), RowFactory.create("y", "x"),
                RowFactory.create("q", "q")), edge);
        Map<String, String> component = new HashMap<>();
        ConnectedComponents.of(edges, 10).collectAsList().forEach(r -> component.put(r.getString(0), r.getString(1)));
        assertEquals(Map.of("a", "a", "b", "a", "c", "a", "d", "a", "e", "a", "x", "x", "y", "x"), component,
                "a self-edge alone makes no group");
        assertThrows(IllegalStateException.class, () -> ConnectedComponents.of(edges, 1), "a chain of 5 needs more than one round");
    }

    @Test
    void uncertaintyColumns() {
        Row r = probabilities(new Object[] {"p", 0, List.of(0.5, 0.3, 0.2, 0.0)}).select(
                Uncertainty.leastConfidence("probabilities"), Uncertainty.margin("probabilities"),
                Uncertainty.entropy("probabilities")).first();
        assertEquals(0.5, r.getDouble(0), 1e-12);
        assertEquals(0.2, r.getDouble(1), 1e-12);
        assertEquals(-(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2)), r.getDouble(2), 1e-12);
        Row single = probabilities(new Object[] {"p", 0, List.of(1.0)}).select(Uncertainty.margin("probabilities")).first();
        assertEquals(1.0, single.getDouble(0), 1e-12);
    }

    @Test
    void labelStudioUrlsBelowAPrefix() {
        var url = LabelStudioTasks.imageUrls("file:/data/set", "https://images.example/set");
        assertEquals("https://images.example/set/cat/a%20b%23c%3F.jpg", url.apply("file:/data/set/cat/a b#c?.jpg"));
        assertEquals("s3a://other/x.jpg", url.apply("s3a://other/x.jpg"), "outside the root: the path as it is");
        assertEquals("file:/data/set/cat/a.jpg", LabelStudioTasks.imageUrls("file:/data/set", null).apply("file:/data/set/cat/a.jpg"));
    }
}
