package org.sparkimage.setup;

/**
 * How the job stores the {@code embedding} column of {@code <output>/predictions}
 * ({@code --embedding-format}). The value only: the conversion is
 * {@code org.sparkimage.output}'s job. The ML transformer always gives Spark ML Vectors, which is
 * what MLlib's estimators take.
 */
public enum EmbeddingFormat {
    /**
     * {@code array<float>}: what pyarrow, pandas, DuckDB, Polars, FAISS and vector databases read
     * as a plain list of floats; half the bytes of a dense Vector. The default for a new output.
     */
    ARRAY,
    /**
     * Spark ML's Vector, stored as its struct ({@code type}, {@code size}, {@code indices},
     * {@code values} as doubles): what MLlib reads back without a conversion.
     */
    VECTOR;

    /** The format of a new output when {@code --embedding-format} is not given. */
    public static final EmbeddingFormat DEFAULT = ARRAY;

    /** The name as {@code --embedding-format} spells it. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
