package org.sparkimage.core;

import org.apache.spark.sql.Row;
import org.sparkimage.image.DecodedImage;
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
public record ImageInput(Row row, ImageRef ref, byte[] bytes, DecodedImage pixels, RowFailure failure) {

    /** Encoded image bytes to sniff and decode. */
    public static ImageInput encoded(Row row, ImageRef ref, byte[] bytes) {
        return new ImageInput(row, ref, bytes, null, null);
    }

    /** Pixels decoded elsewhere (Spark's image struct). */
    public static ImageInput decoded(Row row, ImageRef ref, DecodedImage pixels) {
        return new ImageInput(row, ref, null, pixels, null);
    }

    /** An image that could not be read: its row will be an error row with the failure's code. */
    public static ImageInput failed(Row row, ImageRef ref, RowFailure failure) {
        return new ImageInput(row, ref, null, null, failure);
    }

    /** An image that could not be read, with its row's code and message. */
    public static ImageInput failed(Row row, ImageRef ref, ErrorCode code, String message) {
        return failed(row, ref, new RowFailure(code, message));
    }

    /** Pixels that could not be made (Spark's image struct that fails the limits). */
    public static ImageInput failed(Row row, ImageRef ref, ImageDecodeException failure) {
        return failed(row, ref, RowFailure.of(failure));
    }

    /** Image bytes held in a cell (a table column, an archive member), held to the same rules as a file's. */
    public static ImageInput inline(Row row, ImageRef ref, byte[] data, long maxBytes) {
        if (data == null) return failed(row, ref, ErrorCode.EMPTY, "the image cell is null");
        if (data.length > maxBytes) {
            return failed(row, ref, ErrorCode.TOO_LARGE, "image has " + data.length + " bytes, more than the limit of " + maxBytes);
        }
        return encoded(row, ref, data);
    }
}
