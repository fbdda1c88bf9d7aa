package org.sparkimage.input;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.ClassificationResult;
import org.sparkimage.core.ErrorCode;
import org.sparkimage.core.ImageInput;
import org.sparkimage.core.ImageRef;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.core.RowBuilder;
import org.sparkimage.core.RowBinding;
import org.sparkimage.core.RowFailure;

/**
 * A Parquet table input: rows with an {@value #ID}, a {@value #CONTENT} column and, for a Hugging
 * Face {@code Image} struct, its {@value #IMAGE_PATH} (see {@link TableSource}), to
 * {@code <output>/predictions} rows. The cell follows the {@code Image} feature's own rule: the bytes
 * when they are not null, else the file at the path, read in the task through Hadoop (any file
 * system) with the loose files' limit and errors. The {@value #CARRIED} struct's fields are copied
 * into the output row after the product's columns.
 */
final class TableCellBinding implements RowBinding {
    private static final long serialVersionUID = 1L;

    /** The row's name in the output's {@code path}. */
    static final String ID = "path";
    /** The encoded image. */
    static final String CONTENT = "content";
    /** Where the image file is when {@value #CONTENT} is null (a Hugging Face {@code Image} cell); always null for a binary column. */
    static final String IMAGE_PATH = "image_path";
    /** The carried columns under their output names, as one struct (so that no name of theirs can meet the columns above). */
    static final String CARRIED = "carried";

    /** A path that starts with a URI scheme ({@code s3a://}, {@code file:/}) rather than a folder name. */
    private static final Pattern WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

    private final long maxFileBytes;
    private final boolean embeddings;
    private final TaskFetcher files;
    private final String imageBase;
    private final StructType schema;
    private final List<String> carried;

    /**
     * @param hadoopConf the driver's Hadoop settings, for image files named by path
     * @param imageBase  the qualified folder relative image paths are read against
     * @param schema     the output rows: {@link PredictionSchema#schema(boolean)}, then the carried columns
     * @param carried    the carried columns' output names, in {@code schema}'s order
     */
    TableCellBinding(long maxFileBytes, boolean embeddings, Broadcast<Map<String, String>> hadoopConf, String imageBase,
                     StructType schema, List<String> carried) {
        this.maxFileBytes = maxFileBytes;
        this.embeddings = embeddings;
        this.files = new TaskFetcher(hadoopConf, maxFileBytes);
        this.imageBase = imageBase;
        this.schema = schema;
        this.carried = List.copyOf(carried);
    }

    @Override
    public Iterator<ImageInput> images(Row row) {
        byte[] data = row.getAs(CONTENT);
        String id = row.getAs(ID);
        String name = id == null ? "(null id)" : id;
        // The output needs only the id and the carried values: the row (and its bytes) is not kept.
        Row keep = carried.isEmpty() ? null : row.getStruct(row.fieldIndex(CARRIED));
        String file = data == null ? row.getAs(IMAGE_PATH) : null;
        if (file == null || file.isBlank()) {
            return List.of(ImageInput.inline(keep, new ImageRef(name, data == null ? 0 : data.length, null), data, maxFileBytes)).iterator();
        }
        try {
            byte[] read = files.get().read(resolve(imageBase, file), -1);
            return List.of(ImageInput.encoded(keep, new ImageRef(name, read.length, null), read)).iterator();
        } catch (RowFailure e) {
            return List.of(ImageInput.failed(keep, new ImageRef(name, -1, null), e)).iterator();
        } catch (IllegalArgumentException e) { // Hadoop refuses the string as a path
            return List.of(ImageInput.failed(keep, new ImageRef(name, -1, null), ErrorCode.READ_ERROR,
                    "cannot read image path '" + file + "': " + e.getMessage())).iterator();
        }
    }

    @Override
    public Row output(Row input, ImageRef ref, ClassificationResult result) {
        RowBuilder b = PredictionSchema.predictionRow(schema, ref, result, embeddings);
        for (String c : carried) b.set(c, input.getAs(c));
        return b.build();
    }

    /**
     * The Hadoop path of an {@code Image} cell's path: a URI ({@code s3a://b/k.jpg}, {@code file:/x.jpg})
     * or an absolute path (a local file, as the {@code datasets} library wrote it) as it is, a
     * relative one under {@code base}.
     */
    static String resolve(String base, String file) {
        if (file.startsWith("/") || WITH_SCHEME.matcher(file).matches()) return file;
        // Path(parent, child) parses the child as a path; "./" keeps a colon in its first name from reading as a scheme.
        return new Path(new Path(base), "./" + file).toString();
    }
}
