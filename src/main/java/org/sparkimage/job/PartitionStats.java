package org.sparkimage.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Throughput of one partition task; rows of {@code <output>/stats}. Times are wall-clock
 * nanoseconds: read, decode+preprocess and inference wait on the task's thread, inference on the
 * task's inference thread (overlapped with decoding), write = the rest of the task's time.
 * {@code error_codes} counts the task's error rows per code: a fresh run's summary adds them up
 * instead of reading the table back.
 */
public record PartitionStats(
        int partition,
        String executorId,
        String host,
        long images,
        long errors,
        long bytesRead,
        long readNs,
        long decodeNs,
        long inferenceNs,
        long inferenceWaitNs,
        long writeNs,
        long taskNs,
        int batchSize,
        int ortThreads,
        int sessionsCreated,
        Map<String, Long> errorCodes) implements Serializable {

    public static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("partition", DataTypes.IntegerType, false),
            DataTypes.createStructField("executor_id", DataTypes.StringType, false),
            DataTypes.createStructField("host", DataTypes.StringType, false),
            DataTypes.createStructField("images", DataTypes.LongType, false),
            DataTypes.createStructField("errors", DataTypes.LongType, false),
            DataTypes.createStructField("bytes_read", DataTypes.LongType, false),
            DataTypes.createStructField("read_ns", DataTypes.LongType, false),
            DataTypes.createStructField("decode_preprocess_ns", DataTypes.LongType, false),
            DataTypes.createStructField("inference_ns", DataTypes.LongType, false),
            DataTypes.createStructField("inference_wait_ns", DataTypes.LongType, false),
            DataTypes.createStructField("write_ns", DataTypes.LongType, false),
            DataTypes.createStructField("task_ns", DataTypes.LongType, false),
            DataTypes.createStructField("images_per_sec", DataTypes.DoubleType, false),
            DataTypes.createStructField("batch_size", DataTypes.IntegerType, false),
            DataTypes.createStructField("ort_threads", DataTypes.IntegerType, false),
            DataTypes.createStructField("sessions_created", DataTypes.IntegerType, false),
            DataTypes.createStructField("error_codes", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false), false)});

    /** @param errorCodes error rows per {@code ErrorCode} name (codes without rows absent) */
    public PartitionStats {
        errorCodes = Map.copyOf(errorCodes);
    }

    public double imagesPerSecond() {
        return taskNs > 0 ? images * 1e9 / taskNs : 0;
    }

    public Row toRow() {
        return RowFactory.create(partition, executorId, host, images, errors, bytesRead, readNs, decodeNs, inferenceNs,
                inferenceWaitNs, writeNs, taskNs, imagesPerSecond(), batchSize, ortThreads, sessionsCreated,
                new TreeMap<>(errorCodes));
    }

    public static List<Row> toRows(List<PartitionStats> stats) {
        List<Row> rows = new ArrayList<>(stats.size());
        for (PartitionStats s : stats) rows.add(s.toRow());
        return rows;
    }
}
