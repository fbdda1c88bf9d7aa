/**
 * Spark ML integration: {@link org.sparkimage.ml.MobileNetV2Classifier}, a {@code Transformer}
 * with Params and save/load, running the same partition function as the CLI job, and
 * {@link org.sparkimage.ml.MobileNetV2Featurizer}, which turns an image column into the model's
 * pooled features as an ML vector for MLlib estimators in a {@code Pipeline}.
 */
package org.sparkimage.ml;
