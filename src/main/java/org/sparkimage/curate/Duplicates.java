package org.sparkimage.curate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Duplicate groups: exact duplicates (the same bytes: equal content sha256) and near-duplicates
 * ({@link NearDuplicates}: re-encoded, resized, cropped or brightened copies), joined into groups
 * as the connected components of both kinds of pairs ({@link ConnectedComponents}, in Spark). Each
 * group's representative is its smallest path; every member, the representative included, gets
 * its cosine similarity to the representative (1 for an exact copy) and whether its bytes equal the
 * representative's.
 */
public final class Duplicates {
    /** Column: the group, numbered from 1 by representative path. */
    public static final String GROUP = "group_id";
    /** Column: the member's path. */
    public static final String PATH = "path";
    /** Column: the group's representative (its smallest path). */
    public static final String REPRESENTATIVE = "representative";
    /** Column: cosine similarity of the member to the representative, as {@link NearDuplicates} measures it. */
    public static final String SIMILARITY = "similarity";
    /** Column: whether the member's bytes equal the representative's. */
    public static final String EXACT = "exact";
    /** Column: members in the group. */
    public static final String SIZE = "group_size";

    private Duplicates() {}

    /**
     * What the duplicate step found.
     *
     * @param groups     one row per member of a group of two or more: {@link #GROUP}, {@link #PATH},
     *                   {@link #REPRESENTATIVE}, {@link #SIMILARITY}, {@link #EXACT}, {@link #SIZE}
     * @param exactPairs pairs with equal bytes (each group of n identical files gives n - 1)
     * @param nearPairs  pairs at or above the similarity threshold
     */
    public record Found(Dataset<Row> groups, long exactPairs, long nearPairs) {}

    /**
     * Finds the groups.
     *
     * @param embeddings one row per decoded image: {@code path} and {@code embedding} (an ML Vector)
     * @param hashes     one row per image: {@code path} and {@link ContentHasher#SHA256} (null for unreadable ones),
     *                   or null for near-duplicates only
     */
    public static Found find(Dataset<Row> embeddings, String embeddingCol, Dataset<Row> hashes, NearDuplicates near) {
        Dataset<Row> unit = near.unitVectors(embeddings, PATH, embeddingCol).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> nearPairs = near.pairs(unit, PATH).localCheckpoint(true);
            Dataset<Row> edges = nearPairs.select(functions.col(NearDuplicates.PATH_A).as("src"), functions.col(NearDuplicates.PATH_B).as("dst"));
            long exactPairs = 0;
            Dataset<Row> hashOf = null;
            if (hashes != null) {
                hashOf = hashes.filter(functions.col(ContentHasher.SHA256).isNotNull()).select(PATH, ContentHasher.SHA256);
                Dataset<Row> exact = hashOf.withColumn("first", functions.min(PATH).over(Window.partitionBy(ContentHasher.SHA256)))
                        .filter(functions.col(PATH).notEqual(functions.col("first")))
                        .select(functions.col("first").as("src"), functions.col(PATH).as("dst")).localCheckpoint(true);
                exactPairs = exact.count();
                edges = edges.union(exact);
            }
            Dataset<Row> components = ConnectedComponents.of(edges, 100)
                    .select(functions.col(ConnectedComponents.ID).as(PATH), functions.col(ConnectedComponents.COMPONENT).as(REPRESENTATIVE));
            Dataset<Row> withUnit = components.join(unit, PATH)
                    .join(unit.select(functions.col(PATH).as(REPRESENTATIVE), functions.col(NearDuplicates.UNIT).as("_rep_unit")),
                            REPRESENTATIVE);
            // An image without an embedding (an error row) can only be an exact copy: similarity 1.
            Dataset<Row> members = components.join(withUnit.select(functions.col(PATH),
                            NearDuplicates.dot().apply(functions.col(NearDuplicates.UNIT), functions.col("_rep_unit")).as(SIMILARITY)), PATH, "left")
                    .withColumn(SIMILARITY, functions.coalesce(functions.col(SIMILARITY), functions.lit(1.0)));
            Column exactCol = functions.lit(false);
            if (hashOf != null) {
                members = members.join(hashOf.withColumnRenamed(ContentHasher.SHA256, "_h"), PATH, "left")
                        .join(hashOf.select(functions.col(PATH).as(REPRESENTATIVE), functions.col(ContentHasher.SHA256).as("_rh")),
                                REPRESENTATIVE, "left");
                exactCol = functions.coalesce(functions.col("_h").equalTo(functions.col("_rh")), functions.lit(false));
            }
            Dataset<Row> ids = Numbering.numbered(members.groupBy(REPRESENTATIVE).agg(functions.count(functions.lit(1)).as(SIZE))
                    .orderBy(REPRESENTATIVE), GROUP);
            Dataset<Row> groups = members.withColumn(EXACT, exactCol).join(ids, REPRESENTATIVE)
                    .select(GROUP, PATH, REPRESENTATIVE, SIMILARITY, EXACT, SIZE).localCheckpoint(true);
            return new Found(groups, exactPairs, nearPairs.count());
        } finally {
            unit.unpersist();
        }
    }
}
