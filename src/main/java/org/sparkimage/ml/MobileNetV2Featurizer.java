package org.sparkimage.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.quant.Precision;

/**
 * A Spark ML {@code Transformer} that turns an image column into a feature vector column: the
 * pooled features (embedding) of a MobileNetV2 ONNX model, 1280 values for the default model. Its
 * output feeds any MLlib estimator in a {@code Pipeline}, so that a head (logistic regression,
 * random forest, k-means ...) can be trained on images without writing a partition function; the
 * same idea as SynapseML's {@code ImageFeaturizer}.
 *
 * <pre>{@code
 * Pipeline p = new Pipeline().setStages(new PipelineStage[] {
 *         new MobileNetV2Featurizer().setInputCol("content"),   // binaryFile bytes -> "features"
 *         new LogisticRegression()});                             // featuresCol "features", labelCol "label"
 * PipelineModel m = p.fit(labeledImages);
 * m.write().save("hdfs:///models/head");                         // the ONNX bytes are saved inside
 * }</pre>
 *
 * <p><b>Input</b>: {@link #inputCol()} holds encoded image bytes (binary, or a binary struct field
 * such as a Hugging Face {@code Image}'s {@code image.bytes}) or Spark's image struct
 * ({@code spark.read().format("image")}). <b>Output</b>: the input columns, then
 * {@link #outputCol()} (default {@code features}, the default {@code featuresCol} of MLlib's
 * estimators, so none needs {@code setFeaturesCol}), an ML {@code Vector}; with
 * {@code handleInvalid=keep} also {@link #errorCol()}. Rows keep their partition and order.
 *
 * <p><b>Images that cannot be used</b> (not an image, empty, corrupt, too large, decode timeout,
 * inference failure) follow {@link #handleInvalid()}: {@code skip} (the default) drops their rows;
 * {@code keep} keeps one row per input row, with a null vector and the product's stable error code
 * ({@code NOT_AN_IMAGE}, {@code EMPTY}, {@code CORRUPT}, ...; see
 * {@link org.sparkimage.core.ErrorCode}) in {@link #errorCol()}, null on rows with a vector. The
 * default is {@code skip} because MLlib estimators fail on a null feature vector: a Pipeline fitted
 * on a folder with one broken file would otherwise fail. Use {@code keep} to see which images were
 * left out and why (then filter on {@code errorCol IS NULL} before an estimator).
 *
 * <p><b>Precision</b>: the features are always computed by the fp32 model; there are no precision
 * or int8 Params, and an int8 (quantized) model is refused. A head trained on features wants the
 * fp32 backbone: the int8 model's features differ slightly, image by image, so a head fitted on
 * one would be served with a shifted input by the other.
 *
 * <p><b>Models</b>: {@link #model()} is {@code default} (the shipped model) or an ONNX file;
 * {@link #modelCard()} its card when the model carries none. The card must name a features
 * output; a model whose card names none is refused by {@link #transformSchema(StructType)} with an
 * {@code IllegalArgumentException}.
 *
 * <p><b>How</b>: the stage runs an internal {@link MobileNetV2Classifier} with embeddings on (the
 * same partition function as the CLI job: decode, preprocess, batched ONNX Runtime with one session
 * per executor JVM, errors as values), then keeps the input columns and the vector. Its
 * embeddings are exactly the classifier's {@code embedding} column for the same rows and Params.
 *
 * <p><b>Persistence</b>: {@code write().save(path)} stores the Params in Spark's metadata format
 * plus the model bytes and card under {@code path/model/}, like {@link MobileNetV2Classifier}; a
 * saved PipelineModel holding this stage loads and runs anywhere without the original model file.
 */
public final class MobileNetV2Featurizer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** {@link #handleInvalid()}: one row per input row; a null vector and an error code for unusable images. */
    public static final String KEEP_INVALID = "keep";
    /** {@link #handleInvalid()}: rows of unusable images are dropped (the default). */
    public static final String SKIP_INVALID = "skip";

    private final String uid;

    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final Param<String> handleInvalid;
    private final Param<String> model;
    private final Param<String> modelCard;
    private final IntParam batchSize;
    private final Param<String> decodeMode;
    private final DoubleParam maxMegapixels;
    private final DoubleParam decodeTimeoutSeconds;
    private final LongParam maxImageBytes;

    /** The resolved (or loaded) model, and the {@link #modelKey()} it was resolved for. */
    private transient ModelBundle bundle;
    private transient String bundleKey;
    /** The classifier that runs {@link #bundle}; kept so that its model broadcast is reused by later transforms. */
    private transient MobileNetV2Classifier inner;

    /** A stage with a random uid and every Param at its default ({@link ClassifierSettings}). */
    public MobileNetV2Featurizer() {
        this(Identifiable.randomUID("mobilenetv2featurizer"));
    }

    /** A stage with the given uid; Spark's copy and load create stages through this constructor. */
    public MobileNetV2Featurizer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column with the image: encoded bytes (binary, or a binary struct field such as a Hugging Face Image's image.bytes) or Spark's image struct");
        outputCol = new Param<>(this, "outputCol", "vector column for the model's pooled features");
        errorCol = new Param<>(this, "errorCol", "with handleInvalid=keep: string column with the error code of an image that gave no vector, null otherwise");
        handleInvalid = new Param<>(this, "handleInvalid", "rows of images that give no vector: skip (drop them) or keep (null vector and errorCol)",
                ParamValidators.inArray(new String[] {SKIP_INVALID, KEEP_INVALID}));
        model = new Param<>(this, "model", "'default' (the shipped model) or the path of an ONNX file readable by the driver");
        modelCard = new Param<>(this, "modelCard", "path of a model card JSON; empty: the card embedded in the model");
        batchSize = new IntParam(this, "batchSize", "images per ONNX Runtime run", ParamValidators.gt(0));
        decodeMode = new Param<>(this, "decodeMode", "full (default), whole (full, every pixel decoded), scaled (JPEG DCT scaling) or imageio", ParamValidators.inArray(
                Arrays.stream(DecodeMode.values()).map(DecodeMode::toString).toArray(String[]::new)));
        maxMegapixels = new DoubleParam(this, "maxMegapixels", "larger images are TOO_LARGE (no vector)", ParamValidators.gt(0));
        decodeTimeoutSeconds = new DoubleParam(this, "decodeTimeoutSeconds", "per-image decode time budget", ParamValidators.gt(0));
        maxImageBytes = new LongParam(this, "maxImageBytes", "larger encoded images are TOO_LARGE (no vector)", ParamValidators.gt(0));
        setDefault(inputCol, "image");
        setDefault(outputCol, "features");
        setDefault(errorCol, "embedding_error");
        setDefault(handleInvalid, SKIP_INVALID);
        setDefault(model, "default");
        setDefault(modelCard, "");
        setDefault(batchSize, ClassifierSettings.DEFAULT_BATCH_SIZE);
        setDefault(decodeMode, ClassifierSettings.DEFAULT_DECODE_MODE.toString());
        setDefault(maxMegapixels, ClassifierSettings.DEFAULT_MAX_MEGAPIXELS);
        setDefault(decodeTimeoutSeconds, ClassifierSettings.DEFAULT_DECODE_TIMEOUT_SECONDS);
        setDefault(maxImageBytes, ClassifierSettings.DEFAULT_MAX_IMAGE_BYTES);
    }

    /** This stage's unique id. */
    @Override
    public String uid() {
        return uid;
    }

    // Params: public accessors are how Spark finds them (Params.params lists public Param getters).

    /** The Param: the column holding the image: encoded bytes (binary, or a binary struct field such as {@code image.bytes}) or Spark's image struct (default {@code image}). */
    public Param<String> inputCol() { return inputCol; }
    /** The Param: the vector column of the pooled features (default {@code features}, MLlib's default features column). */
    public Param<String> outputCol() { return outputCol; }
    /** The Param: with {@code handleInvalid=keep}, the string column of the error code of a row without a vector, null otherwise (default {@code embedding_error}). */
    public Param<String> errorCol() { return errorCol; }
    /** The Param: {@code skip} (default) drops rows of images that give no vector; {@code keep} keeps them with a null vector and {@link #errorCol()}. */
    public Param<String> handleInvalid() { return handleInvalid; }
    /** The Param: {@code default} or the path or Hadoop URI of an ONNX file. */
    public Param<String> model() { return model; }
    /** The Param: the path of a model card JSON file; empty for the card embedded in the model. */
    public Param<String> modelCard() { return modelCard; }
    /** The Param: images per ONNX Runtime run. */
    public IntParam batchSize() { return batchSize; }
    /** The Param: {@code full}, {@code whole}, {@code scaled} or {@code imageio} (see the CLI's {@code --decode}). */
    public Param<String> decodeMode() { return decodeMode; }
    /** The Param: images declaring more pixels are TOO_LARGE (no vector). */
    public DoubleParam maxMegapixels() { return maxMegapixels; }
    /** The Param: wall time one decode may take before the image is a TIMEOUT (no vector). */
    public DoubleParam decodeTimeoutSeconds() { return decodeTimeoutSeconds; }
    /** The Param: encoded images larger than this are TOO_LARGE (no vector). */
    public LongParam maxImageBytes() { return maxImageBytes; }

    /** The value of {@link #inputCol()}. */
    public String getInputCol() { return $(inputCol); }
    /** The value of {@link #outputCol()}. */
    public String getOutputCol() { return $(outputCol); }
    /** The value of {@link #errorCol()}. */
    public String getErrorCol() { return $(errorCol); }
    /** The value of {@link #handleInvalid()}. */
    public String getHandleInvalid() { return $(handleInvalid); }
    /** The value of {@link #model()}. */
    public String getModel() { return $(model); }
    /** The value of {@link #modelCard()}. */
    public String getModelCard() { return $(modelCard); }
    /** The value of {@link #batchSize()}. */
    public int getBatchSize() { return (Integer) $(batchSize); }
    /** The value of {@link #decodeMode()}. */
    public String getDecodeMode() { return $(decodeMode); }
    /** The value of {@link #maxMegapixels()}. */
    public double getMaxMegapixels() { return (Double) $(maxMegapixels); }
    /** The value of {@link #decodeTimeoutSeconds()}. */
    public double getDecodeTimeoutSeconds() { return (Double) $(decodeTimeoutSeconds); }
    /** The value of {@link #maxImageBytes()}. */
    public long getMaxImageBytes() { return (Long) $(maxImageBytes); }

    /** Sets {@link #inputCol()}: the image column (encoded bytes, a binary struct field, or Spark's image struct). */
    public MobileNetV2Featurizer setInputCol(String v) { set(inputCol, v); return this; }
    /** Sets {@link #outputCol()}: the vector column of the pooled features. */
    public MobileNetV2Featurizer setOutputCol(String v) { set(outputCol, v); return this; }
    /** Sets {@link #errorCol()}: the error code column added with {@code handleInvalid=keep}. */
    public MobileNetV2Featurizer setErrorCol(String v) { set(errorCol, v); return this; }
    /** Sets {@link #handleInvalid()}: {@code skip} or {@code keep}. */
    public MobileNetV2Featurizer setHandleInvalid(String v) { set(handleInvalid, v); return this; }
    /** Sets {@link #model()}: {@code default} or the path or Hadoop URI of an ONNX file; its bytes are read once, on first use. */
    public MobileNetV2Featurizer setModel(String v) { set(model, v); return this; }
    /** Sets {@link #modelCard()}: the path of a model card JSON file; empty for the card embedded in the model. */
    public MobileNetV2Featurizer setModelCard(String v) { set(modelCard, v); return this; }
    /** Sets {@link #batchSize()}: images per ONNX Runtime run. */
    public MobileNetV2Featurizer setBatchSize(int v) { set(batchSize, v); return this; }
    /** Sets {@link #decodeMode()}: {@code full}, {@code whole}, {@code scaled} or {@code imageio}. */
    public MobileNetV2Featurizer setDecodeMode(String v) { set(decodeMode, v); return this; }
    /** Sets {@link #maxMegapixels()}: images declaring more pixels give no vector (TOO_LARGE). */
    public MobileNetV2Featurizer setMaxMegapixels(double v) { set(maxMegapixels, v); return this; }
    /** Sets {@link #decodeTimeoutSeconds()}: the per-image decode time budget (TIMEOUT beyond it). */
    public MobileNetV2Featurizer setDecodeTimeoutSeconds(double v) { set(decodeTimeoutSeconds, v); return this; }
    /** Sets {@link #maxImageBytes()}: larger encoded images give no vector (TOO_LARGE). */
    public MobileNetV2Featurizer setMaxImageBytes(long v) { set(maxImageBytes, v); return this; }

    /**
     * The model this stage runs (its card and sha256 tell which one): the one loaded with the stage,
     * or else {@link #model()} and {@link #modelCard()} resolved on the driver, once per value.
     *
     * @throws IllegalArgumentException when the model or its card cannot be read
     */
    public synchronized ModelBundle resolvedModel() {
        String key = modelKey();
        if (bundle == null || !key.equals(bundleKey)) {
            // The classifier's resolution: the active session's Hadoop settings, the embedded card.
            bundle = new MobileNetV2Classifier().setModel(getModel()).setModelCard(getModelCard()).resolvedModel();
            bundleKey = key;
            inner = null;
        }
        return bundle;
    }

    /**
     * The input schema plus {@link #outputCol()} (an ML vector) and, with {@code handleInvalid=keep},
     * {@link #errorCol()} (a string).
     *
     * @throws IllegalArgumentException when the input column is missing or not an image column, an
     *                                  output column exists already, or the model's card names no
     *                                  features output (or the model is int8)
     */
    @Override
    public StructType transformSchema(StructType schema) {
        boolean keep = keepInvalid();
        String out = getOutputCol();
        String err = getErrorCol();
        if (Arrays.asList(schema.fieldNames()).contains(out)) {
            throw new IllegalArgumentException("output column '" + out + "' already exists");
        }
        if (keep && (err.equals(out) || Arrays.asList(schema.fieldNames()).contains(err))) {
            throw new IllegalArgumentException("error column '" + err + "' already exists");
        }
        ModelBundle m = resolvedModel();
        ModelCard card = m.card();
        if (card.output().features() == null) {
            throw new IllegalArgumentException("model '" + getModel() + "' (card '" + card.name()
                    + "') names no features output: its card's output.features must name the ONNX output with the"
                    + " pooled features");
        }
        if (m.precision() != Precision.FP32) {
            throw new IllegalArgumentException("model '" + getModel() + "' is " + m.precision()
                    + ": the featurizer gives the fp32 model's features (a head trained on them wants the fp32 backbone);"
                    + " use the fp32 model it was quantized from");
        }
        classifier(schema).transformSchema(schema); // checks the input column and its type
        // Declared nullable with skip too (no row then has a null vector): Spark keeps the nullability of the classifier's column.
        StructType result = schema.add(DataTypes.createStructField(out, SQLDataTypes.VectorType(), true));
        return keep ? result.add(DataTypes.createStructField(err, DataTypes.StringType, true)) : result;
    }

    /**
     * The input rows (all of them with {@code keep}, those with a vector with {@code skip}) with
     * their columns, then the features vector and, with {@code keep}, the error code.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        StructType schema = dataset.schema();
        Dataset<Row> classified;
        String result;
        String vector;
        synchronized (this) {
            MobileNetV2Classifier c = classifier(schema);
            result = c.getOutputCol();
            vector = c.getEmbeddingCol();
            classified = c.transform(dataset);
        }
        List<Column> columns = new ArrayList<>();
        for (String name : schema.fieldNames()) columns.add(column(name));
        columns.add(column(vector).as(getOutputCol()));
        if (keepInvalid()) {
            columns.add(column(result).getField(PredictionSchema.ERROR_CODE).as(getErrorCol()));
        } else {
            classified = classified.filter(column(vector).isNotNull());
        }
        return classified.select(columns.toArray(Column[]::new));
    }

    @Override
    public MobileNetV2Featurizer copy(ParamMap extra) {
        MobileNetV2Featurizer copy = defaultCopy(extra);
        synchronized (this) {
            // A loaded stage's bytes go along; resolvedModel() re-resolves if extra changes the model.
            copy.bundle = bundle;
            copy.bundleKey = bundleKey;
        }
        return copy;
    }

    /** Writes the Params (Spark's metadata format) and the model bytes, card and sha256 under {@code path/model/}. */
    @Override
    public MLWriter write() {
        return StageModelFiles.writer(uid(), paramsWriter(), this::resolvedModel);
    }

    /** The reader of saved stages: Params, then the model bytes checked against their sha256. */
    public static MLReader<MobileNetV2Featurizer> read() {
        return StageModelFiles.reader(MobileNetV2Featurizer::useLoadedModel);
    }

    /** Loads a stage saved with {@code write().save(path)}. */
    public static MobileNetV2Featurizer load(String path) {
        return read().load(path);
    }

    private boolean keepInvalid() {
        return KEEP_INVALID.equals(getHandleInvalid());
    }

    /** Which model and card the Params name; a resolved model is reused while they stay the same. */
    private String modelKey() {
        return getModel() + '\u0000' + getModelCard();
    }

    /**
     * The internal classifier, with this stage's Params, embeddings on, fp32, and result and vector
     * columns whose names are not in {@code schema}. One instance per model, so that its broadcast
     * of the model is reused by the next transform.
     */
    private synchronized MobileNetV2Classifier classifier(StructType schema) {
        ModelBundle m = resolvedModel();
        if (inner == null) {
            inner = new MobileNetV2Classifier(uid + "_classifier").setModel(getModel()).setModelCard(getModelCard()).useModel(m);
        }
        return inner.setInputCol(getInputCol()).setOutputCol(freeName(schema, "result")).setEmbeddings(true)
                .setEmbeddingCol(freeName(schema, "embedding")).setTopK(1).setPrecision(Precision.FP32.toString())
                .setBatchSize(getBatchSize()).setDecodeMode(getDecodeMode()).setMaxMegapixels(getMaxMegapixels())
                .setDecodeTimeoutSeconds(getDecodeTimeoutSeconds()).setMaxImageBytes(getMaxImageBytes());
    }

    /** A column name for an internal column that is not in {@code schema}. */
    private String freeName(StructType schema, String what) {
        List<String> names = Arrays.asList(schema.fieldNames());
        String name = "__" + uid + "_" + what;
        for (int i = 1; names.contains(name); i++) name = "__" + uid + "_" + what + i;
        return name;
    }

    /** A top-level column by its exact name (dots and backticks in the name are not parsed). */
    private static Column column(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    /** The Params metadata through Spark's own writer (what {@code Pipeline.load} expects). */
    private MLWriter paramsWriter() {
        return DefaultParamsWritable.super.write();
    }

    /** A loaded stage's model: the saved bytes, valid for the Params it was saved with. */
    private synchronized void useLoadedModel(ModelBundle m) {
        bundle = m;
        bundleKey = modelKey();
        inner = null;
    }
}
