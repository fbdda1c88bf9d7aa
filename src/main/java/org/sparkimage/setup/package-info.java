/**
 * What every entry point sets up before it runs, below the inputs and outputs that use it: the
 * options of a run ({@link org.sparkimage.setup.JobOptions}, {@link org.sparkimage.setup.ReadAhead},
 * {@link org.sparkimage.setup.TableFormat}), the Spark session's settings
 * ({@link org.sparkimage.setup.SparkSessions}), executor memory sizing and the user-fixable failure
 * with its exit status ({@link org.sparkimage.setup.JobException}).
 */
package org.sparkimage.setup;
