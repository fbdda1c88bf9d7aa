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
import org.sparkimage.setup.ReadAhead;

/**
 * A Parquet table input: rows with an {@value #ID}, a {@value #CONTENT} column and, for a Hugging
 * Face {@code Image} struct, its {@value #IMAGE_PATH} (see {@link TableSource}), to
 * {@code <output>/predictions} rows. The cell follows the {@code Image} feature's own rule: the bytes
 * when they are not null, else the file at the path, read in the task through Hadoop (any file
 * system) with the loose files' limit, errors and read-ahead. The {@value #CARRIED} struct's fields are copied
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
    private final ReadAhead readAhead;

    /**
     * @param hadoopConf the driver's Hadoop settings, for image files named by path
     * @param imageBase  the qualified folder relative image paths are read against
     * @param schema     the output rows: {@link PredictionSchema#schema(boolean)}, then the carried columns
     * @param carried    the carried columns' output names, in {@code schema}'s order
     * @param readAhead  how far image files named by path are read ahead
     */
    TableCellBinding(long maxFileBytes, boolean embeddings, Broadcast<Map<String, String>> hadoopConf, String imageBase,
                     StructType schema, List<String> carried, ReadAhead readAhead) {
        this.readAhead = readAhead;
        this.maxFileBytes = maxFileBytes;
        this.embeddings = embeddings;
        this.files = new TaskFetcher(hadoopConf, maxFileBytes);
        this.imageBase = imageBase;
        this.schema = schema;
        this.carried = List.copyOf(carried);
    }

    /** What the read of one row needs: its name, its bytes or the file they are in, and its carried values (or null). */
    private record Cell(String name, byte[] data, String file, Row carried) {}

    @Override
    public Iterator<ImageInput> images(Row row) {
        return List.of(image(cell(row))).iterator();
    }

    /**
     * The partition's images; cells that name a file are read ahead of the decoding on the executor's
     * I/O pool, as listed files are (an object store's latency is hidden the same way).
     */
    @Override
    public Iterator<ImageInput> images(Iterator<Row> rows) {
        if (!readAhead.on()) return RowBinding.super.images(rows);
        return TaskReadAhead.images(rows, this::cell, c -> c.file() == null ? 0 : readAhead.unknownSizeShare(), this::image,
                (c, e) -> ImageInput.failed(c.carried(), new ImageRef(c.name(), -1, null), ErrorCode.READ_ERROR, "cannot read file: " + e),
                readAhead);
    }

    /** The row's parts, taken on the task thread. The output needs only the id and the carried values: the row is not kept. */
    private Cell cell(Row row) {
        byte[] data = row.getAs(CONTENT);
        String id = row.getAs(ID);
        String file = data == null ? row.getAs(IMAGE_PATH) : null;
        return new Cell(id == null ? "(null id)" : id, data, file == null || file.isBlank() ? null : file,
                carried.isEmpty() ? null : row.getStruct(row.fieldIndex(CARRIED)));
    }

    /** The cell's bytes, or the file's, or why there are none, as a value. */
    private ImageInput image(Cell c) {
        if (c.file() == null) {
            return ImageInput.inline(c.carried(), new ImageRef(c.name(), c.data() == null ? 0 : c.data().length, null), c.data(), maxFileBytes);
        }
        try {
            byte[] read = files.get().read(resolve(imageBase, c.file()), -1);
            return ImageInput.encoded(c.carried(), new ImageRef(c.name(), read.length, null), read);
        } catch (RowFailure e) {
            return ImageInput.failed(c.carried(), new ImageRef(c.name(), -1, null), e);
        } catch (IllegalArgumentException e) { // Hadoop refuses the string as a path
            return ImageInput.failed(c.carried(), new ImageRef(c.name(), -1, null), ErrorCode.READ_ERROR,
                    "cannot read image path '" + c.file() + "': " + e.getMessage());
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
