/**
 * What a run writes: the predictions table in its format (Parquet or Delta,
 * {@link org.sparkimage.output.PredictionStore}, {@link org.sparkimage.output.PredictionTables}) and
 * the run summary ({@link org.sparkimage.output.JobSummary}). Knows nothing of how input is listed.
 */
package org.sparkimage.output;
