/**
 * The run itself, above its input and output: resolve the model (and its int8 form), check the
 * output, match the listing against committed rows ({@link org.sparkimage.job.ResumePlan}),
 * classify the input chunk by chunk ({@link org.sparkimage.job.InputClassifier}, shared with
 * training) and commit each chunk ({@link org.sparkimage.job.ClassificationJob}).
 */
package org.sparkimage.job;
