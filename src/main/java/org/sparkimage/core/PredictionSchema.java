package org.sparkimage.core;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The row contract: exactly one result per input image, either {@code status = "ok"} with a
 * prediction or {@code status = "error"} with a stable error code and a readable message. The only
 * place that names the columns and turns a {@link ClassificationResult} into rows.
 *
 * <p>{@link #RESULT} is the result itself (the ML transformer's struct column); the job's
 * {@code <output>/predictions} rows ({@link #SCHEMA}) are the input's path, the result's fields and
 * the file's size and modification time.
 */
public final class PredictionSchema {
    /** {@code status} of a prediction. */
    public static final String OK = "ok";
    /** {@code status} of an error row. */
    public static final String ERROR = "error";

    /** Column: the image's name (listed path, {@code <shard>/<member>}, or table row id). */
    public static final String PATH = "path";
    /** Column: {@value #OK} or {@value #ERROR}. */
    public static final String STATUS = "status";
    /** Column: the {@link ErrorCode} name of an error row; null when ok. */
    public static final String ERROR_CODE = "error_code";
    /** Column: a readable message of an error row; null when ok. */
    public static final String ERROR_MESSAGE = "error_message";
    /** Column: width of the decoded, upright image. */
    public static final String WIDTH = "width";
    /** Column: height of the decoded, upright image. */
    public static final String HEIGHT = "height";
    /** Column: the top-1 label. */
    public static final String LABEL = "label";
    /** Column: the top-1 class index. */
    public static final String LABEL_INDEX = "label_index";
    /** Column: the top-1 probability. */
    public static final String PROBABILITY = "probability";
    /** Column: the best classes, best first. */
    public static final String TOP_K = "top_k";
    /** Column: {@code 1 - probability}, the top-1's distance from certainty (review the highest first). */
    public static final String LEAST_CONFIDENCE = "least_confidence";
    /** Column: the top-1 probability minus the top-2 (review the smallest first). */
    public static final String MARGIN = "margin";
    /** Column: {@code -sum p ln p} over all classes (review the highest first). */
    public static final String ENTROPY = "entropy";
    /** Column: sha256 of the ONNX model that was asked. */
    public static final String MODEL_SHA256 = "model_sha256";
    /** Column: encoded bytes as listed. */
    public static final String FILE_SIZE = "file_size";
    /** Column: modification time as listed (null for table rows). */
    public static final String MODIFICATION_TIME = "modification_time";
    /** Optional column with the model's pooled features ({@code --embeddings}); null on error rows. */
    public static final String EMBEDDING = "embedding";

    /** One entry of {@code top_k}. */
    public static final StructType TOP_K_ENTRY = new StructType(new StructField[] {
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField(LABEL, DataTypes.StringType, false),
            DataTypes.createStructField(PROBABILITY, DataTypes.FloatType, false)});

    /** The outcome for one image. */
    public static final StructType RESULT = new StructType(new StructField[] {
            DataTypes.createStructField(STATUS, DataTypes.StringType, false),
            DataTypes.createStructField(ERROR_CODE, DataTypes.StringType, true),
            DataTypes.createStructField(ERROR_MESSAGE, DataTypes.StringType, true),
            DataTypes.createStructField(WIDTH, DataTypes.IntegerType, true),
            DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, true),
            DataTypes.createStructField(LABEL, DataTypes.StringType, true),
            DataTypes.createStructField(LABEL_INDEX, DataTypes.IntegerType, true),
            DataTypes.createStructField(PROBABILITY, DataTypes.FloatType, true),
            DataTypes.createStructField(TOP_K, DataTypes.createArrayType(TOP_K_ENTRY, false), true),
            DataTypes.createStructField(LEAST_CONFIDENCE, DataTypes.FloatType, true),
            DataTypes.createStructField(MARGIN, DataTypes.FloatType, true),
            DataTypes.createStructField(ENTROPY, DataTypes.FloatType, true),
            DataTypes.createStructField(MODEL_SHA256, DataTypes.StringType, false)});

    /** {@code <output>/predictions}: path, the {@link #RESULT} fields, file size and modification time. */
    public static final StructType SCHEMA = withResultFields(new StructType()
            .add(PATH, DataTypes.StringType, false))
            .add(FILE_SIZE, DataTypes.LongType, true)
            .add(MODIFICATION_TIME, DataTypes.TimestampType, true);

    private static final StructType SCHEMA_WITH_EMBEDDING = SCHEMA.add(EMBEDDING, SQLDataTypes.VectorType(), true);

    private PredictionSchema() {}

    /** {@link #SCHEMA}, plus the {@value #EMBEDDING} vector column when embeddings are on. */
    public static StructType schema(boolean embeddings) {
        return embeddings ? SCHEMA_WITH_EMBEDDING : SCHEMA;
    }

    private static StructType withResultFields(StructType t) {
        for (StructField f : RESULT.fields()) t = t.add(f);
        return t;
    }

    /** A {@link #RESULT} struct. */
    public static Row resultRow(ClassificationResult r) {
        return fillResult(new RowBuilder(RESULT), r).build();
    }

    /** A {@link #schema(boolean)} row: the image's reference, its result and, when asked, its embedding. */
    public static Row predictionRow(ImageRef image, ClassificationResult r, boolean withEmbedding) {
        return predictionRow(schema(withEmbedding), image, r, withEmbedding).build();
    }

    /**
     * A row of {@code schema}, {@link #schema(boolean)} with more columns after it (a table input's
     * carried columns), with the prediction columns set; the caller sets the others and builds it.
     */
    public static RowBuilder predictionRow(StructType schema, ImageRef image, ClassificationResult r, boolean withEmbedding) {
        RowBuilder b = fillResult(new RowBuilder(schema), r)
                .set(PATH, image.path())
                .set(FILE_SIZE, image.size() < 0 ? null : image.size())
                .set(MODIFICATION_TIME, image.modificationTime());
        if (withEmbedding) b.set(EMBEDDING, r.embedding());
        return b;
    }

    private static RowBuilder fillResult(RowBuilder b, ClassificationResult r) {
        b.set(STATUS, r.status()).set(MODEL_SHA256, r.modelSha256());
        if (r.isError()) return b.set(ERROR_CODE, r.errorCode().name()).set(ERROR_MESSAGE, r.errorMessage());
        TopK.Result top = r.top();
        Row[] entries = new Row[top.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = new RowBuilder(TOP_K_ENTRY).set("index", top.index(i)).set(LABEL, top.label(i))
                    .set(PROBABILITY, top.probability(i)).build();
        }
        return b.set(WIDTH, r.width()).set(HEIGHT, r.height()).set(LABEL, top.label(0)).set(LABEL_INDEX, top.index(0))
                .set(PROBABILITY, top.probability(0)).set(TOP_K, entries).set(LEAST_CONFIDENCE, top.leastConfidence())
                .set(MARGIN, top.margin()).set(ENTROPY, top.entropy());
    }
}
