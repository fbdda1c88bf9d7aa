package org.sparkimage.input;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkimage.core.PredictionSchema;
import org.sparkimage.io.TarShards;
import org.sparkimage.setup.JobException;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.setup.ReadAhead;

/**
 * The input of one run, opened: its sources in the order they are classified. A listing gives
 * loose files and tar shards (each source only when it has rows, and at least one source so that an
 * empty input still writes its empty table); a table gives itself. Which listed files are left to
 * classify (resume) is the caller's business: list, filter, then {@link #files}.
 *
 * @param sources what to classify
 */
public record InputSources(List<InputSource> sources) {

    /**
     * The files of {@code input}: a path, glob or Hadoop URI walked recursively
     * ({@link FileLister}), or a manifest naming them ({@link InputManifest}).
     *
     * @param manifest        {@code input} is a manifest, not a path to list
     * @param console         where listing progress goes
     * @param progressSeconds interval of listing progress lines; 0 = none
     * @throws JobException (exit 3) for a manifest that cannot be read
     */
    public static List<ListedFile> list(SparkSession spark, String input, boolean manifest, Configuration hadoop,
                                        PrintStream console, int progressSeconds) throws JobException, IOException {
        return manifest ? InputManifest.read(spark, input, hadoop) : FileLister.list(input, hadoop, console, progressSeconds);
    }

    /**
     * Listed files as sources: loose files, then tar shards.
     *
     * @param files      files to classify (not copied: a listing can hold millions of files)
     * @param embeddings whether the rows carry an embedding column
     */
    public static InputSources files(List<ListedFile> files, boolean embeddings, ReadAhead readAhead) {
        List<ListedFile> loose = new ArrayList<>();
        List<ListedFile> shards = new ArrayList<>();
        for (ListedFile f : files) (TarShards.isShard(f.path()) ? shards : loose).add(f);
        List<InputSource> sources = new ArrayList<>();
        if (!loose.isEmpty() || shards.isEmpty()) sources.add(new LooseFiles(loose, embeddings, readAhead));
        if (!shards.isEmpty()) sources.add(new TarShardFiles(shards, embeddings));
        return new InputSources(List.copyOf(sources));
    }

    /**
     * A Parquet table's binary column as the one source.
     *
     * @param hadoop    the driver's Hadoop settings, which resolve the folder of relative image paths
     * @param readAhead how far image files named by a cell's path are read ahead in the tasks
     * @throws JobException (exit 3) for a table that cannot be read or lacks the columns
     */
    public static InputSources table(SparkSession spark, String input, JobOptions.TableInput in, boolean embeddings,
                                     Configuration hadoop, ReadAhead readAhead) throws JobException {
        return new InputSources(List.of(TableSource.open(spark, input, in, embeddings, hadoop, readAhead)));
    }

    /** The rows this input's predictions table holds: {@link PredictionSchema#schema(boolean)}, then the sources' carried columns. */
    public StructType predictionSchema(boolean embeddings) {
        StructType carried = new StructType();
        for (InputSource s : sources) {
            for (StructField f : s.carriedColumns().fields()) carried = carried.add(f);
        }
        return withCarried(PredictionSchema.schema(embeddings), carried);
    }

    /** {@code predictions} with the {@code carried} columns after its own. */
    static StructType withCarried(StructType predictions, StructType carried) {
        StructType t = predictions;
        for (StructField f : carried.fields()) t = t.add(f);
        return t;
    }

    /** Output rows expected in all, or -1 when only reading tells (tar shards). */
    public long expectedImages() {
        long n = 0;
        for (InputSource s : sources) {
            if (s.expectedImages() < 0) return -1;
            n += s.expectedImages();
        }
        return n;
    }
}
