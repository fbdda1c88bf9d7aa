package org.sparkimage.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.SingleImageClassifier;
import org.sparkimage.core.SparkHadoopSettings;

import scala.Function1;

/**
 * {@code classify_image(content)} for one set of {@link ClassifyImageOptions}: encoded image bytes
 * in, the transformer's {@link PredictionSchema#RESULT} struct out. Spark wraps it in an
 * {@code ApplyFunctionExpression}; it runs in the executors' tasks with no driver broadcast, so each
 * executor JVM reads the model itself (the shipped one from the classpath, a file through its Hadoop
 * file system with the application's {@code spark.hadoop.*} settings) once per model and card, and shares the ONNX Runtime session with every other
 * entry point through {@code EngineRegistry}.
 */
public final class ClassifyImageFunction implements ScalarFunction<InternalRow> {
    private static final long serialVersionUID = 1L;

    /** The SQL name. */
    public static final String NAME = "classify_image";

    /** Models read in this JVM, by model and card path. */
    private static final Map<String, ModelBundle> MODELS = new ConcurrentHashMap<>();

    private final ClassifyImageOptions options;
    private transient SingleImageClassifier classifier;
    private transient Function1<Object, Object> toCatalyst;

    /** The function for these options. */
    public ClassifyImageFunction(ClassifyImageOptions options) {
        this.options = options;
    }

    @Override
    public DataType[] inputTypes() {
        return new DataType[] {DataTypes.BinaryType};
    }

    @Override
    public DataType resultType() {
        return PredictionSchema.RESULT;
    }

    @Override
    public boolean isResultNullable() {
        return false; // a null or hostile input is an error struct, never a null
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String canonicalName() {
        return "org.sparkimage." + NAME + "(" + options + ")";
    }

    @Override
    public InternalRow produceResult(InternalRow args) {
        byte[] content = args.isNullAt(0) ? null : args.getBinary(0);
        if (classifier == null) {
            TaskContext task = TaskContext.get();
            classifier = new SingleImageClassifier(model(options), options.settings(), task != null ? Math.max(1, task.cpus()) : 1);
            toCatalyst = CatalystTypeConverters.createToCatalystConverter((StructType) resultType());
        }
        return (InternalRow) toCatalyst.apply(PredictionSchema.resultRow(classifier.classify(content)));
    }

    /**
     * The model these options name, read once per JVM. A model path is read with the application's
     * {@code spark.hadoop.*} settings ({@link SparkHadoopSettings}): built from this executor's own
     * {@code SparkConf} rather than captured on the driver when the function is bound, so that no
     * credential is serialised into the plan or its tasks.
     */
    static ModelBundle model(ClassifyImageOptions o) {
        return MODELS.computeIfAbsent(o.model() + "\0" + o.modelCard(), k -> {
            try {
                return ModelBundle.resolve(o.model(), o.modelCardPath(), SparkHadoopSettings.current());
            } catch (IOException e) {
                throw new UncheckedIOException("classify_image: " + e.getMessage(), e);
            }
        });
    }
}
