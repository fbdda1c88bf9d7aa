/**
 * What a run reads, from the driver's listing to the rows a task turns into images: listing
 * ({@link org.sparkimage.input.FileLister}, manifests), the sources a run is made of (loose files,
 * tar shards, a table's binary column: {@link org.sparkimage.input.InputSources}) and the row
 * bindings that read them inside the tasks. Knows nothing of where rows are written.
 */
package org.sparkimage.input;
