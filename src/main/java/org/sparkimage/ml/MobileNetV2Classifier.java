package org.sparkimage.ml;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.BinaryField;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Int8Models;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PartitionClassifier;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.Quantization;
import org.sparkimage.core.SparkHadoopSettings;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.Precision;

/**
 * A Spark ML {@code Transformer} that classifies the image in one column of each row with a
 * MobileNetV2 ONNX model, through the same partition function as the CLI job: decode, preprocess,
 * batched ONNX Runtime with one session per executor JVM, one result per row, errors as values.
 *
 * <p>Input column: encoded image bytes (binary) or Spark's image struct
 * ({@code spark.read().format("image")}). Output: the input columns, then {@link #outputCol()}, a
 * struct of {@link PredictionSchema#RESULT} (status, error_code, error_message, width, height,
 * label, label_index, probability, top_k, model_sha256), and with {@link #embeddings()} the
 * pooled features as an ML vector in {@link #embeddingCol()}. Rows keep their partition and order.
 *
 * <p>{@code write().save(path)} stores the Params in Spark's own metadata format plus the model
 * bytes and card under {@code path/model/}; a saved Pipeline holding this stage loads anywhere,
 * without the original model file.
 */
public final class MobileNetV2Classifier extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;

    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> embeddingCol;
    private final BooleanParam embeddings;
    private final Param<String> model;
    private final Param<String> modelCard;
    private final IntParam batchSize;
    private final IntParam topK;
    private final Param<String> decodeMode;
    private final DoubleParam maxMegapixels;
    private final DoubleParam decodeTimeoutSeconds;
    private final LongParam maxImageBytes;
    private final Param<String> precision;
    private final Param<String> calibration;
    private final IntParam calibrationImages;
    private final Param<String> calibrationMethod;

    /** The resolved model; set by load (the bytes come from the saved stage) or on first use. */
    private transient ModelBundle bundle;
    private transient Broadcast<ModelBundle> broadcast;
    private transient SparkContext broadcastContext;
    /** The int8 form of {@link #bundle}, built on first use when {@link #precision()} asks for it. */
    private transient ModelBundle int8;

    /** A stage with a random uid and every Param at its default ({@link ClassifierSettings}). */
    public MobileNetV2Classifier() {
        this(Identifiable.randomUID("mobilenetv2"));
    }

    /** Spark's copy and load create stages by uid through this constructor. */
    public MobileNetV2Classifier(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column with the image: encoded bytes (binary, or a binary struct field such as a Hugging Face Image's image.bytes) or Spark's image struct");
        outputCol = new Param<>(this, "outputCol", "struct column for the result (status, error, label, probability, top_k, ...)");
        embeddingCol = new Param<>(this, "embeddingCol", "vector column for the pooled features when embeddings are on");
        embeddings = new BooleanParam(this, "embeddings", "add the model's pooled features as an ML vector column");
        model = new Param<>(this, "model", "'default' (the shipped model) or the path of an ONNX file readable by the driver");
        modelCard = new Param<>(this, "modelCard", "path of a model card JSON; empty: the card embedded in the model");
        batchSize = new IntParam(this, "batchSize", "images per ONNX Runtime run", ParamValidators.gt(0));
        topK = new IntParam(this, "topK", "classes kept in top_k (at most the number of classes)", ParamValidators.gt(0));
        decodeMode = new Param<>(this, "decodeMode", "full (default), whole (full, every pixel decoded), scaled (JPEG DCT scaling) or imageio", ParamValidators.inArray(
                Arrays.stream(DecodeMode.values()).map(DecodeMode::toString).toArray(String[]::new)));
        maxMegapixels = new DoubleParam(this, "maxMegapixels", "larger images are TOO_LARGE error rows", ParamValidators.gt(0));
        decodeTimeoutSeconds = new DoubleParam(this, "decodeTimeoutSeconds", "per-image decode time budget", ParamValidators.gt(0));
        maxImageBytes = new LongParam(this, "maxImageBytes", "larger encoded images are TOO_LARGE error rows", ParamValidators.gt(0));
        precision = new Param<>(this, "precision", "fp32, or int8: quantized by the product on first use", ParamValidators.inArray(
                Arrays.stream(Precision.values()).map(Precision::toString).toArray(String[]::new)));
        calibration = new Param<>(this, "calibration", "int8: folder, glob or Hadoop URI of calibration images; empty: the"
                + " first rows of a binary input column");
        calibrationImages = new IntParam(this, "calibrationImages", "int8: decodable images to calibrate on",
                ParamValidators.gtEq(Quantization.MIN_CALIBRATION_IMAGES));
        calibrationMethod = new Param<>(this, "calibrationMethod", "int8: minmax or percentile", ParamValidators.inArray(
                Arrays.stream(CalibrationMethod.values()).map(CalibrationMethod::toString).toArray(String[]::new)));
        setDefault(inputCol, "image");
        setDefault(outputCol, "classification");
        setDefault(embeddingCol, PredictionSchema.EMBEDDING);
        setDefault(embeddings, false);
        setDefault(model, "default");
        setDefault(modelCard, "");
        setDefault(batchSize, ClassifierSettings.DEFAULT_BATCH_SIZE);
        setDefault(topK, ClassifierSettings.DEFAULT_TOP_K);
        setDefault(decodeMode, ClassifierSettings.DEFAULT_DECODE_MODE.toString());
        setDefault(maxMegapixels, ClassifierSettings.DEFAULT_MAX_MEGAPIXELS);
        setDefault(decodeTimeoutSeconds, ClassifierSettings.DEFAULT_DECODE_TIMEOUT_SECONDS);
        setDefault(maxImageBytes, ClassifierSettings.DEFAULT_MAX_IMAGE_BYTES);
        setDefault(precision, Quantization.DEFAULT_PRECISION.toString());
        setDefault(calibration, "");
        setDefault(calibrationImages, Quantization.DEFAULT_CALIBRATION_IMAGES);
        setDefault(calibrationMethod, Quantization.DEFAULT_METHOD.toString());
    }

    @Override
    public String uid() {
        return uid;
    }

    // Params: public accessors are how Spark finds them (Params.params lists public Param getters).

    /** The Param: the column holding the image: encoded bytes (binary, or a binary struct field such as {@code image.bytes}) or Spark's image struct (default {@code image}). */
    public Param<String> inputCol() { return inputCol; }
    /** The Param: the struct column of the result (default {@code classification}). */
    public Param<String> outputCol() { return outputCol; }
    /** The Param: the vector column of the pooled features when embeddings are on (default {@code embedding}). */
    public Param<String> embeddingCol() { return embeddingCol; }
    /** The Param: whether the pooled features are added as an ML vector column (default false). */
    public BooleanParam embeddings() { return embeddings; }
    /** The Param: {@code default} or the path or Hadoop URI of an ONNX file. */
    public Param<String> model() { return model; }
    /** The Param: the path of a model card JSON file; empty for the card embedded in the model. */
    public Param<String> modelCard() { return modelCard; }
    /** The Param: images per ONNX Runtime run. */
    public IntParam batchSize() { return batchSize; }
    /** The Param: classes kept in {@code top_k}, best first (at most the model's classes). */
    public IntParam topK() { return topK; }
    /** The Param: {@code full}, {@code whole}, {@code scaled} or {@code imageio} (see the CLI's {@code --decode}). */
    public Param<String> decodeMode() { return decodeMode; }
    /** The Param: images declaring more pixels are TOO_LARGE error rows. */
    public DoubleParam maxMegapixels() { return maxMegapixels; }
    /** The Param: wall time one decode may take before it is a TIMEOUT error row. */
    public DoubleParam decodeTimeoutSeconds() { return decodeTimeoutSeconds; }
    /** The Param: encoded images larger than this are TOO_LARGE error rows. */
    public LongParam maxImageBytes() { return maxImageBytes; }

    /** The Param: {@code fp32} or {@code int8} (see the CLI's {@code --precision}). */
    public Param<String> precision() { return precision; }
    /** The Param: int8 calibration images (folder, glob or Hadoop URI); empty for the first rows of a binary input column. */
    public Param<String> calibration() { return calibration; }
    /** The Param: how many decodable images calibrate int8. */
    public IntParam calibrationImages() { return calibrationImages; }
    /** The Param: {@code minmax} or {@code percentile}. */
    public Param<String> calibrationMethod() { return calibrationMethod; }

    /** The value of {@link #precision()}. */
    public String getPrecision() { return $(precision); }
    /** The value of {@link #calibration()}. */
    public String getCalibration() { return $(calibration); }
    /** The value of {@link #calibrationImages()}. */
    public int getCalibrationImages() { return (Integer) $(calibrationImages); }
    /** The value of {@link #calibrationMethod()}. */
    public String getCalibrationMethod() { return $(calibrationMethod); }

    /** Sets {@link #precision()}. */
    public MobileNetV2Classifier setPrecision(String v) { set(precision, v); int8 = null; broadcast = null; return this; }
    /** Sets {@link #calibration()}. */
    public MobileNetV2Classifier setCalibration(String v) { set(calibration, v); int8 = null; broadcast = null; return this; }
    /** Sets {@link #calibrationImages()}. */
    public MobileNetV2Classifier setCalibrationImages(int v) { set(calibrationImages, v); int8 = null; broadcast = null; return this; }
    /** Sets {@link #calibrationMethod()}. */
    public MobileNetV2Classifier setCalibrationMethod(String v) { set(calibrationMethod, v); int8 = null; broadcast = null; return this; }

    /** The value of {@link #inputCol()}: the column holding the image: encoded bytes (binary, or a binary struct field such as {@code image.bytes}) or Spark's image struct (default {@code image}). */
    public String getInputCol() { return $(inputCol); }
    /** The value of {@link #outputCol()}: the struct column of the result (default {@code classification}). */
    public String getOutputCol() { return $(outputCol); }
    /** The value of {@link #embeddingCol()}: the vector column of the pooled features when embeddings are on (default {@code embedding}). */
    public String getEmbeddingCol() { return $(embeddingCol); }
    /** The value of {@link #embeddings()}: whether the pooled features are added as an ML vector column (default false). */
    public boolean getEmbeddings() { return (Boolean) $(embeddings); }
    /** The value of {@link #model()}: {@code default} or the path or Hadoop URI of an ONNX file. */
    public String getModel() { return $(model); }
    /** The value of {@link #modelCard()}: the path of a model card JSON file; empty for the card embedded in the model. */
    public String getModelCard() { return $(modelCard); }
    /** The value of {@link #batchSize()}: images per ONNX Runtime run. */
    public int getBatchSize() { return (Integer) $(batchSize); }
    /** The value of {@link #topK()}: classes kept in {@code top_k}, best first (at most the model's classes). */
    public int getTopK() { return (Integer) $(topK); }
    /** The value of {@link #decodeMode()}: {@code full}, {@code whole}, {@code scaled} or {@code imageio} (see the CLI's {@code --decode}). */
    public String getDecodeMode() { return $(decodeMode); }
    /** The value of {@link #maxMegapixels()}: images declaring more pixels are TOO_LARGE error rows. */
    public double getMaxMegapixels() { return (Double) $(maxMegapixels); }
    /** The value of {@link #decodeTimeoutSeconds()}: wall time one decode may take before it is a TIMEOUT error row. */
    public double getDecodeTimeoutSeconds() { return (Double) $(decodeTimeoutSeconds); }
    /** The value of {@link #maxImageBytes()}: encoded images larger than this are TOO_LARGE error rows. */
    public long getMaxImageBytes() { return (Long) $(maxImageBytes); }

    /** Sets {@link #inputCol()}: the column holding the image: encoded bytes (binary, or a binary struct field such as {@code image.bytes}) or Spark's image struct (default {@code image}). */
    public MobileNetV2Classifier setInputCol(String v) { set(inputCol, v); return this; }
    /** Sets {@link #outputCol()}: the struct column of the result (default {@code classification}). */
    public MobileNetV2Classifier setOutputCol(String v) { set(outputCol, v); return this; }
    /** Sets {@link #embeddingCol()}: the vector column of the pooled features when embeddings are on (default {@code embedding}). */
    public MobileNetV2Classifier setEmbeddingCol(String v) { set(embeddingCol, v); return this; }
    /** Sets {@link #embeddings()}: whether the pooled features are added as an ML vector column (default false). */
    public MobileNetV2Classifier setEmbeddings(boolean v) { set(embeddings, v); return this; }
    /** Sets {@link #batchSize()}: images per ONNX Runtime run. */
    public MobileNetV2Classifier setBatchSize(int v) { set(batchSize, v); return this; }
    /** Sets {@link #topK()}: classes kept in {@code top_k}, best first (at most the model's classes). */
    public MobileNetV2Classifier setTopK(int v) { set(topK, v); return this; }
    /** Sets {@link #decodeMode()}: {@code full}, {@code whole}, {@code scaled} or {@code imageio} (see the CLI's {@code --decode}). */
    public MobileNetV2Classifier setDecodeMode(String v) { set(decodeMode, v); return this; }
    /** Sets {@link #maxMegapixels()}: images declaring more pixels are TOO_LARGE error rows. */
    public MobileNetV2Classifier setMaxMegapixels(double v) { set(maxMegapixels, v); return this; }
    /** Sets {@link #decodeTimeoutSeconds()}: wall time one decode may take before it is a TIMEOUT error row. */
    public MobileNetV2Classifier setDecodeTimeoutSeconds(double v) { set(decodeTimeoutSeconds, v); return this; }
    /** Sets {@link #maxImageBytes()}: encoded images larger than this are TOO_LARGE error rows. */
    public MobileNetV2Classifier setMaxImageBytes(long v) { set(maxImageBytes, v); return this; }

    /** {@code default} or an ONNX file on the driver; its bytes are read once, on first use. */
    /** Sets {@link #model()}: {@code default} or the path or Hadoop URI of an ONNX file. */
    public MobileNetV2Classifier setModel(String v) {
        set(model, v);
        forgetModel();
        return this;
    }

    /** A model card JSON file; empty for the card embedded in the model. */
    /** Sets {@link #modelCard()}: the path of a model card JSON file; empty for the card embedded in the model. */
    public MobileNetV2Classifier setModelCard(String v) {
        set(modelCard, v);
        forgetModel();
        return this;
    }

    /** The model this stage runs: its card and sha256 tell which one. */
    public ModelBundle resolvedModel() {
        if (bundle == null) {
            String card = getModelCard();
            try {
                // The active session's Hadoop settings reach the model's file system (credentials, HDFS);
                // without one (a stage used outside a session's thread), the application's spark.hadoop.* settings.
                Configuration hadoop = SparkSession.getActiveSession().isDefined()
                        ? SparkSession.getActiveSession().get().sparkContext().hadoopConfiguration() : SparkHadoopSettings.current();
                bundle = ModelBundle.resolve(getModel(), card.isEmpty() ? null : java.nio.file.Path.of(card), hadoop);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot use model '" + getModel() + "': " + e.getMessage(), e);
            }
        }
        return bundle;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        binding(schema, 0, new int[3]); // checks the input column and its type
        StructType out = schema.add(DataTypes.createStructField(newColumn(schema, getOutputCol()), PredictionSchema.RESULT, false));
        if (getEmbeddings()) {
            out = out.add(DataTypes.createStructField(newColumn(out, getEmbeddingCol()), SQLDataTypes.VectorType(), true));
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema(), true);
        ModelBundle m = modelFor(dataset);
        ModelCard card = m.card();
        if (getEmbeddings() && card.output().features() == null) {
            throw new IllegalArgumentException("embeddings are on but the card of model '" + card.name() + "' names no features output");
        }
        ClassifierSettings settings = settings();
        StructType schema = dataset.schema();
        ColumnBinding binding = binding(schema, settings.maxImageBytes(), card.preprocess().background());
        PartitionClassifier classifier = new PartitionClassifier(broadcast(dataset.sparkSession().sparkContext(), m), settings,
                binding, null);
        return dataset.toDF().mapPartitions(classifier, Encoders.row(outSchema));
    }

    /**
     * Sets every per-image Param from {@code s}: batch size, top-k, size and decode limits, decode
     * mode, embeddings, precision and calibration; the inverse of the settings the stage runs with.
     */
    public MobileNetV2Classifier setSettings(ClassifierSettings s) {
        Quantization q = s.quantization();
        return setBatchSize(s.batchSize()).setTopK(s.topK()).setMaxImageBytes(s.maxImageBytes())
                .setMaxMegapixels(s.decodeLimits().maxPixels() / 1e6)
                .setDecodeTimeoutSeconds(s.decodeLimits().timeBudget().toMillis() / 1000.0)
                .setDecodeMode(s.decodeMode().toString()).setEmbeddings(s.embeddings())
                .setPrecision(q.precision().toString()).setCalibration(q.calibration() == null ? "" : q.calibration())
                .setCalibrationImages(q.calibrationImages()).setCalibrationMethod(q.method().toString());
    }

    /** The partition function's settings from this stage's Params. */
    ClassifierSettings settings() {
        return new ClassifierSettings(getBatchSize(), getTopK(), getMaxImageBytes(),
                ClassifierSettings.decodeLimits(getMaxMegapixels(), getDecodeTimeoutSeconds()), DecodeMode.parse(getDecodeMode()),
                getEmbeddings(), quantization());
    }

    /** The precision and calibration Params. */
    Quantization quantization() {
        String source = getCalibration();
        return new Quantization(Precision.parse(getPrecision()), source.isEmpty() ? null : source, getCalibrationImages(),
                CalibrationMethod.parse(getCalibrationMethod()));
    }

    /** The model to run on {@code dataset}: the resolved one, or its int8 form (built once). */
    private ModelBundle modelFor(Dataset<?> dataset) {
        ModelBundle m = resolvedModel();
        Quantization q = quantization();
        if (q.precision() == Precision.FP32 || m.precision() == Precision.INT8) return m;
        if (int8 == null) int8 = Int8Models.prepare(m, q, calibrationSample(dataset, q), settings(), System.out);
        return int8;
    }

    /** The calibration Param's files, or else the first rows of a binary input column. */
    private Iterable<byte[]> calibrationSample(Dataset<?> dataset, Quantization q) {
        if (q.calibration() != null) {
            try {
                return Int8Models.files(q.calibration(), dataset.sparkSession().sparkContext().hadoopConfiguration(), getMaxImageBytes());
            } catch (IOException e) {
                throw new IllegalArgumentException("int8 calibration: " + e.getMessage(), e);
            }
        }
        StructType schema = dataset.schema();
        if (inputIsImageStruct(schema)) {
            throw new IllegalArgumentException("int8 on Spark's image struct needs the calibration Param (a folder of images)");
        }
        BinaryField field = BinaryField.resolve(schema, getInputCol());
        String column = schema.fields()[field.column()].name();
        // Twice the images asked for, so that a few undecodable rows do not leave the sample short.
        List<Row> rows = dataset.toDF().select(org.apache.spark.sql.functions.col("`" + column.replace("`", "``") + "`"))
                .limit(2 * q.calibrationImages()).collectAsList();
        return rows.stream().map(r -> cellBytes(r, field)).filter(java.util.Objects::nonNull).toList();
    }

    /** The encoded bytes in a one-column row of the input column, or null. */
    private static byte[] cellBytes(Row r, BinaryField field) {
        if (r.isNullAt(0)) return null;
        if (field.field() < 0) return (byte[]) r.get(0);
        Row struct = r.getStruct(0);
        return struct.isNullAt(field.field()) ? null : (byte[]) struct.get(field.field());
    }

    @Override
    public MobileNetV2Classifier copy(ParamMap extra) {
        MobileNetV2Classifier copy = defaultCopy(extra);
        if (!extra.contains(model) && !extra.contains(modelCard)) copy.bundle = bundle; // a loaded stage's bytes go along
        return copy;
    }

    @Override
    public MLWriter write() {
        return StageModelFiles.writer(uid(), paramsWriter(), this::resolvedModel);
    }

    /** The reader of saved stages: Params, then the model bytes checked against their sha256. */
    public static MLReader<MobileNetV2Classifier> read() {
        return StageModelFiles.<MobileNetV2Classifier>reader((stage, m) -> stage.bundle = m);
    }

    /** Loads a stage saved with {@code write().save(path)}. */
    public static MobileNetV2Classifier load(String path) {
        return read().load(path);
    }

    /**
     * Runs {@code m} (already resolved or loaded) instead of resolving {@link #model()} and
     * {@link #modelCard()}; for stages of this package that hold the model themselves
     * ({@link MobileNetV2Featurizer}).
     */
    MobileNetV2Classifier useModel(ModelBundle m) {
        forgetModel();
        bundle = m;
        return this;
    }

    private void forgetModel() {
        bundle = null;
        int8 = null;
        broadcast = null;
        broadcastContext = null;
    }

    /** One broadcast of the model per SparkContext, reused by every transform of this stage. */
    private synchronized Broadcast<ModelBundle> broadcast(SparkContext sc, ModelBundle m) {
        if (broadcast == null || broadcastContext != sc || broadcast.value() != m) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(m);
            broadcastContext = sc;
        }
        return broadcast;
    }

    /**
     * The binding of {@link #inputCol()} in {@code schema}: Spark's image struct, or encoded bytes in
     * a binary column or a binary struct field ({@code image.bytes}, or a Hugging Face {@code Image}
     * struct itself: {@link BinaryField}); anything else is refused with a message naming it.
     */
    private ColumnBinding binding(StructType schema, long maxBytes, int[] background) {
        String in = getInputCol();
        long maxPixels = ClassifierSettings.decodeLimits(getMaxMegapixels(), getDecodeTimeoutSeconds()).maxPixels();
        if (inputIsImageStruct(schema)) {
            return new ColumnBinding(schema.fieldIndex(in), -1, true, maxBytes, maxPixels, background, getEmbeddings());
        }
        BinaryField bytes;
        try {
            bytes = BinaryField.resolve(schema, in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input column: " + e.getMessage() + "; it must hold encoded image bytes (binary,"
                    + " or a binary field such as image.bytes) or be Spark's image struct " + ColumnBinding.IMAGE_STRUCT_FIELDS);
        }
        return new ColumnBinding(bytes.column(), bytes.field(), false, maxBytes, maxPixels, background, getEmbeddings());
    }

    /** Whether {@link #inputCol()} is Spark's image struct (decoded pixels) in {@code schema}. */
    private boolean inputIsImageStruct(StructType schema) {
        String in = getInputCol();
        return Arrays.asList(schema.fieldNames()).contains(in) && schema.apply(in).dataType() instanceof StructType s
                && List.of(s.fieldNames()).equals(ColumnBinding.IMAGE_STRUCT_FIELDS);
    }

    private static String newColumn(StructType schema, String name) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column '" + name + "' already exists");
        }
        return name;
    }

    /** The Params metadata through Spark's own writer (what {@code Pipeline.load} expects). */
    private MLWriter paramsWriter() {
        return DefaultParamsWritable.super.write();
    }
}
