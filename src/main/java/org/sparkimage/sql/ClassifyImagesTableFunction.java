package org.sparkimage.sql;

import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FunctionTableSubqueryArgumentExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.UTF8String;
import org.sparkimage.ml.MobileNetV2Classifier;

import scala.collection.immutable.Seq;

/**
 * {@code classify_images(TABLE(<table or query>), '<column>' [, options])}: the batched,
 * overlapped partition function from SQL. Returns every column of the table argument, then the
 * {@code classification} struct (and with {@code embeddings=true} an {@code embedding} vector):
 * the plan of {@link MobileNetV2Classifier#transform} over that table, with the options as its
 * Params. The column holds encoded bytes, a binary struct field ({@code 'image.bytes'}) or Spark's
 * image struct, as for the transformer.
 *
 * <p>Why a table function beside {@code classify_image}: a scalar function sees one row at a time,
 * so it cannot batch or overlap decoding with inference; this one hands whole partitions to the
 * partition function. (The bytes come from the table argument, so the job's read-ahead of files
 * does not apply.) Unlike {@code classify_image}, the model is resolved on the
 * driver (a path the driver can read) and broadcast through the session's {@code SparkContext}, as
 * the transformer does.
 */
final class ClassifyImagesTableFunction {
    /** The name SQL calls it by. */
    static final String NAME = "classify_images";

    /** The usage text {@code DESCRIBE FUNCTION classify_images} prints. */
    static final String USAGE = "classify_images(TABLE(t), column [, options]) - classifies the images in a column of t in"
            + " batches; returns t's columns and the struct classification (status, error_code, error_message, width, height,"
            + " label, label_index, probability, top_k, model_sha256). options: a map or a 'key=value,...' string of model,"
            + " model_card, top_k, max_file_mb, max_megapixels, decode_timeout_seconds, decode, precision, batch_size, embeddings.";

    private ClassifyImagesTableFunction() {}

    /** The plan for one call; the arguments are checked here, so a bad one fails the query before any image is read. */
    static LogicalPlan build(Seq<Expression> args) {
        if (args.size() < 2 || args.size() > 3) {
            throw new IllegalArgumentException(NAME + " takes (TABLE(t), column [, options]), got " + args.size() + " arguments");
        }
        if (!(args.apply(0) instanceof FunctionTableSubqueryArgumentExpression table)) {
            throw new IllegalArgumentException(NAME + ": the first argument must be TABLE(<table name or query>)");
        }
        Map<String, String> raw = args.size() == 3 ? ImageFunctions.optionMap(args.apply(2), NAME) : Map.of();
        ClassifyImageOptions options = ClassifyImageOptions.ofBatched(raw);
        MobileNetV2Classifier stage = new MobileNetV2Classifier().setInputCol(column(args.apply(1)))
                .setModel(options.model()).setModelCard(options.modelCard() == null ? "" : options.modelCard())
                .setSettings(options.settings());
        Dataset<Row> input = org.apache.spark.sql.classic.Dataset$.MODULE$.ofRows(SparkSession.active(), table.plan());
        return ((org.apache.spark.sql.classic.Dataset<Row>) stage.transform(input)).logicalPlan();
    }

    private static String column(Expression e) {
        if (!e.foldable() || !(e.dataType() instanceof StringType)) {
            throw new IllegalArgumentException(NAME + ": the second argument must be the image column's name, as a string");
        }
        Object v = e.eval(null);
        if (!(v instanceof UTF8String s) || s.numChars() == 0) throw new IllegalArgumentException(NAME + ": the column name is empty");
        return s.toString();
    }
}
