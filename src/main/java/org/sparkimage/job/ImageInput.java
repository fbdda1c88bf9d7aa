package org.sparkimage.job;

import org.apache.spark.sql.Row;
import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.ErrorCode;
import org.sparkimage.image.ImageDecodeException;

/**
 * One image of an input row, as a {@link RowBinding} hands it to the partition function: encoded
 * bytes to decode, pixels that are already decoded (Spark's image struct), or the reason it could
 * not be read. Exactly one of {@code bytes}, {@code pixels} and {@code failure} is set.
 *
 * @param row the input row it came from, kept only by a binding whose output copies its columns
 *            (the partition function holds it until the image's batch is out); else null
 * @param ref what the output row names it by
 */
public record ImageInput(Row row, PredictionSchema.FileRef ref, byte[] bytes, DecodedImage pixels,
                         ImageDecodeException failure) {

    public static ImageInput encoded(Row row, PredictionSchema.FileRef ref, byte[] bytes) {
        return new ImageInput(row, ref, bytes, null, null);
    }

    public static ImageInput decoded(Row row, PredictionSchema.FileRef ref, DecodedImage pixels) {
        return new ImageInput(row, ref, null, pixels, null);
    }

    public static ImageInput failed(Row row, PredictionSchema.FileRef ref, ImageDecodeException failure) {
        return new ImageInput(row, ref, null, null, failure);
    }

    /** Image bytes held in a cell (a table column, an archive member), held to the same rules as a file's. */
    public static ImageInput inline(Row row, PredictionSchema.FileRef ref, byte[] data, long maxBytes) {
        if (data == null) return failed(row, ref, new ImageDecodeException(ErrorCode.EMPTY, "the image cell is null"));
        if (data.length > maxBytes) {
            return failed(row, ref, new ImageDecodeException(ErrorCode.TOO_LARGE,
                    "image has " + data.length + " bytes, more than the limit of " + maxBytes));
        }
        return encoded(row, ref, data);
    }
}
