package org.sparkimage.ml;

import java.util.Iterator;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ImageError;
import org.sparkimage.image.InterleavedPixels;
import org.sparkimage.core.ClassificationResult;
import org.sparkimage.core.ErrorCode;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBinding;

/**
 * The transformer's binding: the image is one column of the input row (encoded bytes, a binary field
 * of a struct column such as Hugging Face's {@code image.bytes}, or Spark's image struct of decoded
 * pixels); the output row is the input row plus the result struct (and
 * the embedding vector when asked for).
 */
final class ColumnBinding implements RowBinding {
    private static final long serialVersionUID = 1L;

    /** Fields of Spark's image struct ({@code ImageSchema.columnSchema}) by name. */
    static final List<String> IMAGE_STRUCT_FIELDS = List.of("origin", "height", "width", "nChannels", "mode", "data");

    private final int column;
    private final int field;
    private final boolean imageStruct;
    private final long maxBytes;
    private final long maxPixels;
    private final int[] background;
    private final boolean embeddings;

    /**
     * @param column the input column
     * @param field  the binary field of a struct column, or -1 (a binary column, or Spark's image struct)
     */
    ColumnBinding(int column, int field, boolean imageStruct, long maxBytes, long maxPixels, int[] background, boolean embeddings) {
        this.column = column;
        this.field = field;
        this.imageStruct = imageStruct;
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
        this.background = background.clone();
        this.embeddings = embeddings;
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        return List.of(imageStruct ? fromStruct(row) : fromBytes(row)).iterator();
    }

    private ImageInput fromBytes(Row row) {
        byte[] data = bytes(row);
        return ImageInput.inline(row, new ImageRef("", data == null ? 0 : data.length, null), data, maxBytes);
    }

    /** The encoded bytes: the column's, or its struct's field's; null when either is null. */
    private byte[] bytes(Row row) {
        if (row.isNullAt(column)) return null;
        if (field < 0) return (byte[]) row.get(column);
        Row struct = row.getStruct(column);
        return struct.isNullAt(field) ? null : (byte[]) struct.get(field);
    }

    private ImageInput fromStruct(Row row) {
        if (row.isNullAt(column)) {
            return ImageInput.failed(row, new ImageRef("", 0, null),
                    ErrorCode.EMPTY, "the image struct is null");
        }
        Row img = row.getStruct(column);
        String origin = img.getAs("origin");
        byte[] data = img.getAs("data");
        ImageRef ref = new ImageRef(origin == null ? "" : origin, data == null ? 0 : data.length, null);
        try {
            if (data == null || data.length == 0) {
                // What Spark's image source gives a file it could not decode (dropInvalid=false).
                throw new ImageDecodeException(ImageError.CORRUPT,
                        "the image struct has no pixel data (Spark's image source could not decode '" + origin + "')");
            }
            Integer height = img.getAs("height");
            Integer width = img.getAs("width");
            Integer channels = img.getAs("nChannels");
            if (height == null || width == null || channels == null) {
                throw new ImageDecodeException(ImageError.CORRUPT, "the image struct has a null height, width or nChannels");
            }
            return ImageInput.decoded(row, ref, DecodedImage.fullSize(
                    InterleavedPixels.fromBgr(width, height, channels, data, background, maxPixels)));
        } catch (ImageDecodeException e) {
            return ImageInput.failed(row, ref, e);
        }
    }

    @Override
    public Row output(Row input, ImageRef ref, ClassificationResult result) {
        // The output schema is the input's plus the result (and embedding) columns, appended.
        int n = input.length();
        Object[] values = new Object[n + (embeddings ? 2 : 1)];
        for (int i = 0; i < n; i++) values[i] = input.get(i);
        values[n] = PredictionSchema.resultRow(result);
        if (embeddings) values[n + 1] = result.embedding();
        return RowFactory.create(values);
    }
}
