package org.sparkimage.core;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Throughput of one partition task; rows of {@code <output>/stats}.
 *
 * @param task   which task, where it ran
 * @param counts what it produced
 * @param nanos  where its time went
 * @param engine how it ran inference
 */
public record PartitionStats(Task task, Counts counts, Nanos nanos, Engine engine) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @param partition  the partition id
     * @param attempt    Spark's attempt number of this partition's task: above 0 when an earlier
     *                   attempt was lost (its executor died) or failed, and this one was the retry
     * @param executorId Spark's executor id ({@code driver} in local mode)
     * @param host       the executor's host name
     * @param container  the YARN container the executor runs in ({@code CONTAINER_ID}, which the
     *                   NodeManager sets in every container's environment); null off YARN
     */
    public record Task(int partition, int attempt, String executorId, String host, String container) implements Serializable {}

    /**
     * @param images     rows emitted, one per image
     * @param errors     error rows among them
     * @param bytesRead  encoded bytes read
     * @param errorCodes error rows per error code name (codes without rows absent): a fresh run's
     *                   summary adds these up instead of reading the table back
     * @param labels     predictions per top-1 label (labels without rows absent)
     */
    public record Counts(long images, long errors, long bytesRead, Map<String, Long> errorCodes, Map<String, Long> labels)
            implements Serializable {
        /** Copies the maps (sorted by key). */
        public Counts {
            errorCodes = new TreeMap<>(errorCodes);
            labels = new TreeMap<>(labels);
        }
    }

    /**
     * Wall-clock nanoseconds. Read, decode+preprocess and inference wait are spent on the task's
     * thread; inference on the task's inference thread, overlapped with decoding; write is the rest
     * of the task's time (Spark consuming the rows).
     */
    public record Nanos(long read, long decode, long inference, long inferenceWait, long write, long task) implements Serializable {}

    /**
     * @param batchSize       images per ONNX Runtime run
     * @param ortThreads      intra-op threads of the session
     * @param sessionsCreated ONNX Runtime sessions created for this model on the executor so far
     * @param precision       the model's arithmetic: {@code fp32} or {@code int8}
     */
    public record Engine(int batchSize, int ortThreads, int sessionsCreated, String precision) implements Serializable {}

    /** The {@code <output>/stats} table. */
    public static final StructType SCHEMA = new StructType()
            .add("partition", DataTypes.IntegerType, false)
            .add("attempt", DataTypes.IntegerType, false)
            .add("executor_id", DataTypes.StringType, false)
            .add("host", DataTypes.StringType, false)
            .add("container_id", DataTypes.StringType, true)
            .add("images", DataTypes.LongType, false)
            .add("errors", DataTypes.LongType, false)
            .add("bytes_read", DataTypes.LongType, false)
            .add("read_ns", DataTypes.LongType, false)
            .add("decode_preprocess_ns", DataTypes.LongType, false)
            .add("inference_ns", DataTypes.LongType, false)
            .add("inference_wait_ns", DataTypes.LongType, false)
            .add("write_ns", DataTypes.LongType, false)
            .add("task_ns", DataTypes.LongType, false)
            .add("images_per_sec", DataTypes.DoubleType, false)
            .add("batch_size", DataTypes.IntegerType, false)
            .add("ort_threads", DataTypes.IntegerType, false)
            .add("sessions_created", DataTypes.IntegerType, false)
            .add("precision", DataTypes.StringType, false)
            .add("error_codes", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false), false)
            .add("label_counts", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false), false);

    /** Images per second of task time. */
    public double imagesPerSecond() {
        return nanos.task() > 0 ? counts.images() * 1e9 / nanos.task() : 0;
    }

    /** This task's {@link #SCHEMA} row. */
    public Row toRow() {
        return new RowBuilder(SCHEMA)
                .set("partition", task.partition()).set("attempt", task.attempt()).set("executor_id", task.executorId()).set("host", task.host())
                .set("container_id", task.container())
                .set("images", counts.images()).set("errors", counts.errors()).set("bytes_read", counts.bytesRead())
                .set("read_ns", nanos.read()).set("decode_preprocess_ns", nanos.decode()).set("inference_ns", nanos.inference())
                .set("inference_wait_ns", nanos.inferenceWait()).set("write_ns", nanos.write()).set("task_ns", nanos.task())
                .set("images_per_sec", imagesPerSecond())
                .set("batch_size", engine.batchSize()).set("ort_threads", engine.ortThreads())
                .set("sessions_created", engine.sessionsCreated()).set("precision", engine.precision())
                .set("error_codes", counts.errorCodes()).set("label_counts", counts.labels())
                .build();
    }

    /** {@link #SCHEMA} rows of several tasks. */
    public static List<Row> toRows(List<PartitionStats> stats) {
        return stats.stream().map(PartitionStats::toRow).toList();
    }
}
