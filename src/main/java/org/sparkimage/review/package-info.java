/**
 * The label review gallery ({@code scripts/gallery.sh}): a static HTML page over the output of the
 * classify job, for a person to check what the model said. {@link org.sparkimage.review.GalleryCommand}
 * reads the table ({@link org.sparkimage.review.PredictionReader}), makes thumbnails
 * ({@link org.sparkimage.review.Thumbnails}) and writes the page ({@link org.sparkimage.review.GalleryPage}).
 */
package org.sparkimage.review;
