package org.sparkimage.job;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.ErrorCode;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.ImageIoDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.RgbImage;
import org.sparkimage.model.ModelCard;

/**
 * The per-partition work: read, decode, preprocess into a batch buffer, run the executor's shared
 * ONNX Runtime session, and emit exactly one row per input file. Errors are values: nothing a
 * file contains can make this throw.
 *
 * <p>Input rows: {@code path} (string), {@code length} (long), {@code modificationTime} (timestamp),
 * as Spark's {@code binaryFile} source lists them.
 */
public final class PartitionClassifier implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    /** Tunables of the partition function. */
    public record Settings(int batchSize, int topK, long maxFileBytes, DecodeLimits decodeLimits) implements Serializable {}

    /** Driver-side accumulators the tasks report to. */
    public record Reporting(LongAccumulator processed, LongAccumulator errors,
                            CollectionAccumulator<PartitionStats> stats) implements Serializable {}

    private final Broadcast<ModelBundle> model;
    private final Broadcast<Map<String, String>> hadoopConf;
    private final Settings settings;
    private final Reporting reporting;

    public PartitionClassifier(Broadcast<ModelBundle> model, Broadcast<Map<String, String>> hadoopConf,
                               Settings settings, Reporting reporting) {
        this.model = model;
        this.hadoopConf = hadoopConf;
        this.settings = settings;
        this.reporting = reporting;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Rows(input);
    }

    /** Pulls files batch by batch and hands out their rows. */
    private final class Rows implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final ModelBundle bundle = model.value();
        private final ModelCard card = bundle.card();
        private final FileFetcher fetcher = new FileFetcher(hadoopConf.value(), settings.maxFileBytes());
        private final ImageDecoder decoder = new ImageIoDecoder(settings.decodeLimits(), card.background());
        private final Preprocessor preprocessor = new Preprocessor(card);
        private final TopK topK = new TopK(settings.topK(), card.labels(), card.outputKind() == ModelCard.OutputKind.LOGITS);
        private final int ortThreads;
        private final OrtEngine engine;
        private final FloatBuffer batch;
        private final List<Pending> pending = new ArrayList<>();
        private final long startNs = System.nanoTime();
        private long images;
        private long errors;
        private long bytesRead;
        private long readNs;
        private long decodeNs;
        private long inferenceNs;
        private boolean finished;

        private record Pending(PredictionSchema.FileRef file, int width, int height) {}

        Rows(Iterator<Row> input) {
            this.input = input;
            TaskContext task = TaskContext.get();
            this.ortThreads = task != null ? Math.max(1, task.cpus()) : 1;
            this.engine = EngineRegistry.get(bundle.sha256(), bundle::bytes, card, ortThreads);
            this.batch = ByteBuffer.allocateDirect(settings.batchSize() * card.tensorSize() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && input.hasNext()) fillBatch();
            if (ready.isEmpty() && !finished) finish();
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.poll();
        }

        private void fillBatch() {
            while (pending.size() < settings.batchSize() && input.hasNext()) {
                Row r = input.next();
                PredictionSchema.FileRef file = new PredictionSchema.FileRef(r.getString(0), r.getLong(1), (Timestamp) r.get(2));
                try {
                    long t0 = System.nanoTime();
                    byte[] data = fetcher.read(file.path(), file.size());
                    long t1 = System.nanoTime();
                    readNs += t1 - t0;
                    bytesRead += data.length;
                    RgbImage img;
                    try {
                        img = decoder.decode(data);
                        preprocessor.write(img, batch, pending.size());
                    } finally {
                        decodeNs += System.nanoTime() - t1;
                    }
                    pending.add(new Pending(file, img.width(), img.height()));
                } catch (ImageDecodeException e) {
                    emit(PredictionSchema.error(file, e.code(), e.getMessage(), bundle.sha256()));
                } catch (RuntimeException | StackOverflowError e) {
                    emit(PredictionSchema.error(file, ErrorCode.INTERNAL, "unexpected failure: " + e, bundle.sha256()));
                }
            }
            if (!pending.isEmpty()) infer();
        }

        private void infer() {
            long t0 = System.nanoTime();
            try {
                OrtEngine.Output out = engine.run(batch, pending.size(), false);
                for (int i = 0; i < pending.size(); i++) {
                    Pending p = pending.get(i);
                    emit(PredictionSchema.ok(p.file(), p.width(), p.height(), topK.of(out.scores(), i), bundle.sha256()));
                }
            } catch (Exception e) {
                for (Pending p : pending) {
                    emit(PredictionSchema.error(p.file(), ErrorCode.INFERENCE_FAILED, "model run failed: " + e, bundle.sha256()));
                }
            } finally {
                inferenceNs += System.nanoTime() - t0;
                pending.clear();
            }
        }

        private void emit(Row row) {
            ready.add(row);
            images++;
            reporting.processed().add(1);
            if (PredictionSchema.ERROR.equals(row.getString(1))) {
                errors++;
                reporting.errors().add(1);
            }
        }

        private void finish() {
            finished = true;
            if (images == 0) return;
            long taskNs = System.nanoTime() - startNs;
            TaskContext task = TaskContext.get();
            String executor = org.apache.spark.SparkEnv.get() != null ? org.apache.spark.SparkEnv.get().executorId() : "driver";
            String host = hostName();
            reporting.stats().add(new PartitionStats(task != null ? task.partitionId() : -1, executor, host, images, errors,
                    bytesRead, readNs, decodeNs, inferenceNs, Math.max(0, taskNs - readNs - decodeNs - inferenceNs), taskNs,
                    settings.batchSize(), engine.intraOpThreads(), EngineRegistry.sessionsCreated(bundle.sha256())));
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }
}
