package org.sparkimage.ml;

import java.util.List;
import java.util.Map;

import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.sparkimage.model.LinearHeadModel;

/**
 * Turns a fitted MLlib {@link LogisticRegressionModel} on a backbone's embeddings (from
 * {@link MobileNetV2Featurizer} or the job's {@code --embeddings}) into one ONNX model: the backbone,
 * then the regression as a {@code Gemm} head and a {@code Softmax}. The model then runs wherever the
 * product runs models (the batched job, int8, the transformer, the SQL functions) and gives MLlib's
 * {@code probability} column, up to float rounding.
 *
 * <p>MLlib returns coefficients on the original feature scale even when it standardised the
 * features to fit them, so no scaler needs folding. A binomial model (one coefficient row) becomes
 * a two-class softmax with a zero row for class 0, which is the same sigmoid.
 */
public final class LogisticRegressionExport {
    private LogisticRegressionExport() {}

    /**
     * The regression as a linear head.
     *
     * @param labels class names, index = the regression's label index
     * @throws IllegalArgumentException when the labels do not match the regression's classes
     */
    public static LinearHeadModel head(LogisticRegressionModel lr, List<String> labels) {
        return head(lr, labels, null);
    }

    /**
     * The regression as a linear head over raw features, when it was fitted on features multiplied
     * element by element by {@code featureScale} (an {@code ElementwiseProduct} in front of it: a
     * mask, or a scaling done outside the regression): the factors are folded into the weights.
     *
     * @param labels       class names, index = the regression's label index
     * @param featureScale per-feature factors the regression's input was multiplied by, or null for none
     * @throws IllegalArgumentException when the labels or the scale do not match the regression
     */
    public static LinearHeadModel head(LogisticRegressionModel lr, List<String> labels, double[] featureScale) {
        if (featureScale != null && featureScale.length != lr.numFeatures()) {
            throw new IllegalArgumentException(featureScale.length + " scale factors for " + lr.numFeatures() + " features");
        }
        if (labels.size() != lr.numClasses()) {
            throw new IllegalArgumentException(labels.size() + " labels for a regression of " + lr.numClasses() + " classes");
        }
        Matrix w = lr.coefficientMatrix();
        Vector b = lr.interceptVector();
        int classes = lr.numClasses();
        int features = lr.numFeatures();
        float[] weight = new float[classes * features];
        float[] bias = new float[classes];
        int offset = w.numRows() == classes ? 0 : 1; // binomial: one row, for class 1
        for (int r = 0; r < w.numRows(); r++) {
            for (int c = 0; c < features; c++) {
                weight[(r + offset) * features + c] = (float) (w.apply(r, c) * (featureScale == null ? 1 : featureScale[c]));
            }
            bias[r + offset] = (float) b.apply(r);
        }
        return new LinearHeadModel(weight, bias, labels);
    }

    /**
     * The backbone with the regression as its head, as ONNX bytes.
     *
     * @param backbone an fp32 MobileNetV2 this product wrote or imported (e.g. the shipped default's
     *                 bytes, {@code MobileNetV2Classifier.resolvedModel().bytes()})
     * @param name     the new model's name (its card's)
     * @param metadata more model metadata (provenance, metrics)
     * @throws IllegalArgumentException when the backbone is not such a model or its features do not fit
     */
    public static byte[] toOnnx(LogisticRegressionModel lr, List<String> labels, byte[] backbone, String name,
                                Map<String, String> metadata) {
        return head(lr, labels).write(backbone, name, "head: MLlib multinomial LogisticRegression on the backbone's pooled features", metadata);
    }
}
