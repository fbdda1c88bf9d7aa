package org.sparkimage.curate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Connected components of an undirected graph given as an edge table, computed in Spark (nothing is
 * collected): every vertex starts as its own component, labeled by its id, and takes the smallest
 * label among itself and its neighbours until no label changes (min-label propagation, as
 * GraphX's {@code connectedComponents}). The rounds are bounded by the graph's diameter; duplicate
 * groups are small and dense, so a few rounds do. Each round's labels are checkpointed locally,
 * so the query plan does not grow with the rounds.
 */
public final class ConnectedComponents {
    /** Column: the vertex. */
    public static final String ID = "id";
    /** Column: its component, the smallest vertex id in it. */
    public static final String COMPONENT = "component";

    private ConnectedComponents() {}

    /**
     * Labels every vertex that has an edge.
     *
     * @param edges     two string columns {@code src} and {@code dst}; both orders and self-edges are fine
     * @param maxRounds a bound on the rounds (a path of n vertices needs about n / 2)
     * @return {@link #ID}, {@link #COMPONENT}
     * @throws IllegalStateException when the labels still change after {@code maxRounds}
     */
    public static Dataset<Row> of(Dataset<Row> edges, int maxRounds) {
        Dataset<Row> both = edges.select(functions.col("src").as("a"), functions.col("dst").as("b"))
                .union(edges.select(functions.col("dst").as("a"), functions.col("src").as("b")))
                .filter(functions.col("a").notEqual(functions.col("b"))).distinct().localCheckpoint(true);
        Dataset<Row> labels = both.groupBy(functions.col("a").as(ID))
                .agg(functions.least(functions.col("a"), functions.min("b")).as(COMPONENT)).localCheckpoint(true);
        for (int round = 0; round < maxRounds; round++) {
            Dataset<Row> next = both.join(labels.withColumnRenamed(ID, "b"), "b")
                    .groupBy(functions.col("a").as(ID)).agg(functions.min(COMPONENT).as("n"))
                    .join(labels, ID)
                    .select(functions.col(ID), functions.least(functions.col("n"), functions.col(COMPONENT)).as(COMPONENT),
                            functions.col("n").lt(functions.col(COMPONENT)).as("changed"))
                    .localCheckpoint(true);
            labels = next.select(ID, COMPONENT);
            if (next.filter(functions.col("changed")).isEmpty()) return labels;
        }
        throw new IllegalStateException("connected components did not settle in " + maxRounds + " rounds");
    }
}
