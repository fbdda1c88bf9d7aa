/**
 * Spark ML integration: {@link org.sparkimage.ml.MobileNetV2Classifier}, a {@code Transformer}
 * with Params and save/load, running the same partition function as the CLI job.
 */
package org.sparkimage.ml;
