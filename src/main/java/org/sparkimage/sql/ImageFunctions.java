package org.sparkimage.sql;

import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ApplyFunctionExpression;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.UTF8String;

import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * The SQL entry point: enable with {@code spark.sql.extensions=org.sparkimage.sql.ImageFunctions}
 * (and this jar on the driver's and executors' classpath) and every session, classic or Spark
 * Connect, has {@code classify_image(content [, options])}, one image per call, and the table
 * function {@code classify_images(TABLE(...), column [, options])}, the batched partition function
 * of the transformer. Both are built at analysis time on the server, so Connect clients of any
 * language call them by name. {@code classify_image} never touches the {@code SparkContext};
 * {@code classify_images} broadcasts the model through the server session's, as the transformer does.
 */
public final class ImageFunctions implements Function1<SparkSessionExtensions, BoxedUnit> {
    /** The usage text {@code DESCRIBE FUNCTION classify_image} prints. */
    static final String USAGE = "classify_image(content [, options]) - classifies encoded image bytes; returns the struct"
            + " (status, error_code, error_message, width, height, label, label_index, probability, top_k, model_sha256)."
            + " options: a map or a 'key=value,...' string of model, model_card, top_k, max_file_mb, max_megapixels,"
            + " decode_timeout_seconds, decode, precision.";

    /** Registers {@code classify_image} and {@code classify_images} with the session being built. */
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectFunction(new Tuple3<>(new FunctionIdentifier(ClassifyImageFunction.NAME),
                new ExpressionInfo(ImageFunctions.class.getName(), null, ClassifyImageFunction.NAME, USAGE, ""),
                (Function1<Seq<Expression>, Expression>) ImageFunctions::classifyImage));
        extensions.injectTableFunction(new Tuple3<>(new FunctionIdentifier(ClassifyImagesTableFunction.NAME),
                new ExpressionInfo(ImageFunctions.class.getName(), null, ClassifyImagesTableFunction.NAME,
                        ClassifyImagesTableFunction.USAGE, ""),
                (Function1<Seq<Expression>, LogicalPlan>) ClassifyImagesTableFunction::build));
        return BoxedUnit.UNIT;
    }

    /** {@code classify_image(content [, options])}: the options must be a constant, resolved here once. */
    static Expression classifyImage(Seq<Expression> args) {
        if (args.size() < 1 || args.size() > 2) {
            throw new IllegalArgumentException("classify_image takes (content [, options]), got " + args.size() + " arguments");
        }
        ClassifyImageOptions options = args.size() == 2 ? ClassifyImageOptions.of(optionMap(args.apply(1), ClassifyImageFunction.NAME))
                : ClassifyImageOptions.DEFAULTS;
        return new ApplyFunctionExpression(new ClassifyImageFunction(options),
                CollectionConverters.asScala(java.util.List.of(args.apply(0))).toSeq());
    }

    /**
     * The key/value pairs of a constant options argument: a {@code map<string,string>} or a
     * {@code 'key=value,...'} string (null: none). Names {@code function} in its errors.
     */
    static Map<String, String> optionMap(Expression e, String function) {
        if (!e.foldable()) throw new IllegalArgumentException(function + ": options must be a constant map or string");
        Object v = e.eval(null);
        if (v == null) return Map.of();
        if (v instanceof UTF8String s) return ClassifyImageOptions.pairs(s.toString(), function);
        if (v instanceof MapData m) {
            if (!(e.dataType() instanceof MapType t) || !(t.keyType() instanceof StringType) || !(t.valueType() instanceof StringType)) {
                throw new IllegalArgumentException(function + ": options must be a map<string,string>, got "
                        + e.dataType().simpleString() + " (quote the values: map('top_k', '3'))");
            }
            Map<String, String> o = new HashMap<>();
            for (int i = 0; i < m.numElements(); i++) {
                Object value = m.valueArray().isNullAt(i) ? null : m.valueArray().getUTF8String(i);
                o.put(m.keyArray().getUTF8String(i).toString(), value == null ? null : value.toString());
            }
            return o;
        }
        throw new IllegalArgumentException(function + ": options must be a map<string,string> or a string, got " + e.dataType().simpleString());
    }
}
