package org.sparkimage.output;

import java.io.IOException;
import java.util.Set;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparkimage.setup.JobException;

/**
 * What the job checks of its output before it classifies anything, so that a run that could never
 * commit fails in seconds with a message instead of after hours of work, and leaves no
 * half-written output:
 * <ol>
 *   <li>the commit classes the application names can be loaded (exit 2): a cluster without Spark's
 *       {@code spark-hadoop-cloud} cannot use the S3A committers, and Spark would say so only when
 *       the first commit reads the setting ({@link #checkSettings});</li>
 *   <li>an {@code s3a://} output names an S3A committer that exists (exit 2; S3A itself would say
 *       so only at the first commit);</li>
 *   <li>the output can be written: a small object is created and deleted (a bucket that does not
 *       exist, refused credentials or a read-only path: exit 6; {@link #probeWrite}).</li>
 * </ol>
 */
public final class OutputPreflight {
    /** Spark SQL's file commit protocol, and the committer its Parquet writer binds to. */
    static final String[] COMMIT_CLASSES = {"spark.sql.sources.commitProtocolClass", "spark.sql.parquet.output.committer.class"};
    /** S3A's committer choice. */
    static final String S3A_COMMITTER = "fs.s3a.committer.name";
    /** The committers S3A has (Hadoop 3.5). */
    static final Set<String> S3A_COMMITTERS = Set.of("file", "directory", "partitioned", "magic");

    private OutputPreflight() {}

    /**
     * The settings' checks, before anything else touches the session's settings (Spark checks a
     * commit class when the session's settings are first built, and fails with its own error).
     *
     * @throws JobException (exit 2) naming the setting and what provides it
     */
    public static void checkSettings(SparkSession spark, Path output) throws JobException {
        for (String key : COMMIT_CLASSES) {
            // The application's settings, raw: the session's own conf is built from them on first use and
            // throws Spark's generic check error. (A value set on a running session was checked when set.)
            String cls = spark.sparkContext().getConf().get(key, null);
            if (cls != null && !loadable(cls)) {
                throw new JobException(JobException.EXIT_USAGE, key + "=" + cls + ": the class is not on the driver's classpath."
                        + " The S3A committers need Spark's spark-hadoop-cloud module, which the job jar carries; a cluster"
                        + " build without it (-Pcluster-s3a) must add it, or leave " + key + " unset");
            }
        }
        if ("s3a".equals(output.toUri().getScheme())) {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            String committer = conf.getTrimmed(S3A_COMMITTER, "file");
            String bucketCommitter = conf.getTrimmed("fs.s3a.bucket." + output.toUri().getHost() + ".committer.name", committer);
            if (!S3A_COMMITTERS.contains(bucketCommitter)) {
                throw new JobException(JobException.EXIT_USAGE, S3A_COMMITTER + "=" + bucketCommitter
                        + ": S3A has no such committer (it has " + new java.util.TreeSet<>(S3A_COMMITTERS) + ")");
            }
        }
    }

    /**
     * Creates and deletes {@code <output>/_write_probe-<uuid>}: the first write the job would make,
     * made early. The output folder is left as it was.
     *
     * @throws JobException (exit 6) with the store's reason
     */
    public static void probeWrite(FileSystem fs, Path output) throws JobException {
        Path probe = new Path(output, "_write_probe-" + UUID.randomUUID());
        boolean existed;
        try {
            existed = fs.exists(output);
        } catch (IOException e) {
            throw unwritable(output, e);
        }
        try {
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw unwritable(output, e);
        } finally {
            if (!existed) deleteQuietly(fs, output); // leave nothing behind when the run stops before its first commit
        }
    }

    private static JobException unwritable(Path output, Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = why.indexOf('\n');
        return new JobException(JobException.EXIT_OUTPUT_UNWRITABLE, "output " + output + " cannot be written: "
                + (nl > 0 ? why.substring(0, nl) : why));
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            // the probe's folder stays; the job writes into it anyway
        }
    }

    private static boolean loadable(String cls) {
        if (cls.isBlank()) return true;
        try {
            Class.forName(cls, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
