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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;
import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.ErrorCode;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;
import org.sparkimage.model.ModelCard;

/**
 * The per-partition work: read, decode, preprocess into a batch buffer, run the executor's shared
 * ONNX Runtime session, and emit exactly one row per input file. Errors are values: nothing a
 * file contains can make this throw.
 *
 * <p>Input rows: {@code path} (string), {@code length} (long), {@code modificationTime} (timestamp)
 * of a file to read, as {@link FileLister} lists them; or, for a table input, {@code path}
 * (string id) and {@code content} (binary).
 */
public final class PartitionClassifier implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Tunables of the partition function.
     *
     * @param inlineBytes input rows are {@code (path, content)} with the image bytes inline (a table
     *                    input) instead of {@code (path, length, modificationTime)} of a file to read
     */
    public record Settings(int batchSize, int topK, long maxFileBytes, DecodeLimits decodeLimits, DecodeMode decodeMode,
                           boolean embeddings, boolean inlineBytes) implements Serializable {}

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

    /**
     * Pulls files batch by batch and hands out their rows. Two batch buffers: the task thread reads
     * and decodes into one while the other runs in ONNX Runtime on the task's inference thread, so
     * a partition never waits for inference while it has files to decode (and vice versa). At most
     * one batch is in flight and one is filling: memory and threads stay bounded whatever the
     * partition size.
     */
    private final class Rows implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final ModelBundle bundle = model.value();
        private final ModelCard card = bundle.card();
        private final FileFetcher fetcher = new FileFetcher(hadoopConf.value(), settings.maxFileBytes());
        private final Preprocessor preprocessor = new Preprocessor(card);
        private final ImageDecoder decoder = settings.decodeMode().decoder(new GuardedImageDecoder(settings.decodeLimits(), card.background()));
        private final ScaleHint hint = settings.decodeMode().hint(preprocessor.scaleHint());
        private final TopK topK = new TopK(settings.topK(), card.labels(), card.outputKind() == ModelCard.OutputKind.LOGITS);
        private final OrtEngine engine;
        private final ExecutorService inferenceThread;
        private Batch filling;
        private Batch spare;
        private Batch inFlight;
        private Future<OrtEngine.Output> inFlightResult;
        private final long startNs = System.nanoTime();
        private long images;
        private long errors;
        private long bytesRead;
        private long readNs;
        private long decodeNs;
        private final AtomicLong inferenceNs = new AtomicLong();
        private long waitNs;
        private boolean finished;

        Rows(Iterator<Row> input) {
            this.input = input;
            TaskContext task = TaskContext.get();
            int ortThreads = task != null ? Math.max(1, task.cpus()) : 1;
            this.engine = EngineRegistry.get(bundle.sha256(), bundle::bytes, card, ortThreads);
            this.filling = new Batch(settings.batchSize(), card.tensorSize());
            this.spare = new Batch(settings.batchSize(), card.tensorSize());
            int partition = task != null ? task.partitionId() : -1;
            this.inferenceThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "inference-partition-" + partition);
                t.setDaemon(true);
                return t;
            });
            // A killed or failed task must not leave its inference thread behind.
            if (task != null) task.addTaskCompletionListener((TaskCompletionListener) ctx -> inferenceThread.shutdownNow());
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !finished) advance();
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.poll();
        }

        /** One step: fill the current batch and hand it over, or drain the last one, or finish. */
        private void advance() {
            while (!filling.full() && input.hasNext()) decodeNext();
            if (!filling.isEmpty()) {
                submit(); // full, or the input's last files (a batch of only error rows never reaches ORT)
            } else if (inFlight != null) {
                collect();
            } else {
                finish();
            }
        }

        private void decodeNext() {
            Row r = input.next();
            byte[] inline = settings.inlineBytes() && !r.isNullAt(1) ? (byte[]) r.get(1) : null;
            PredictionSchema.FileRef file = settings.inlineBytes()
                    ? new PredictionSchema.FileRef(r.isNullAt(0) ? "(null id)" : r.getString(0), inline == null ? 0 : inline.length, null)
                    : new PredictionSchema.FileRef(r.getString(0), r.getLong(1), (Timestamp) r.get(2));
            try {
                long t0 = System.nanoTime();
                byte[] data = settings.inlineBytes() ? inlineBytes(inline) : fetcher.read(file.path(), file.size());
                long t1 = System.nanoTime();
                readNs += t1 - t0;
                bytesRead += data.length;
                DecodedImage img;
                try {
                    img = decoder.decode(data, hint);
                    preprocessor.write(img.pixels(), filling.tensors, filling.size());
                } finally {
                    decodeNs += System.nanoTime() - t1;
                }
                filling.add(file, img.width(), img.height());
            } catch (ImageDecodeException e) {
                emit(PredictionSchema.error(file, e.code(), e.getMessage(), bundle.sha256(), settings.embeddings()));
            } catch (RuntimeException | StackOverflowError e) {
                emit(PredictionSchema.error(file, ErrorCode.INTERNAL, "unexpected failure: " + e, bundle.sha256(),
                        settings.embeddings()));
            }
        }

        /** A table row's image bytes, held to the same rules as a file's. */
        private byte[] inlineBytes(byte[] data) throws ImageDecodeException {
            if (data == null) throw new ImageDecodeException(ErrorCode.EMPTY, "the row's image column is null");
            if (data.length > settings.maxFileBytes()) {
                throw new ImageDecodeException(ErrorCode.TOO_LARGE,
                        "image has " + data.length + " bytes, more than the limit of " + settings.maxFileBytes());
            }
            return data;
        }

        /** Hands the filled batch to the inference thread, after collecting the one before it. */
        private void submit() {
            collect();
            Batch batch = filling;
            filling = spare;
            spare = null;
            inFlight = batch;
            inFlightResult = inferenceThread.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    return engine.run(batch.tensors, batch.size(), settings.embeddings());
                } finally {
                    inferenceNs.addAndGet(System.nanoTime() - t0);
                }
            });
        }

        /** Waits for the batch in flight, emits its rows and recycles its buffer. */
        private void collect() {
            if (inFlight == null) return;
            long t0 = System.nanoTime();
            try {
                OrtEngine.Output out = inFlightResult.get();
                for (int i = 0; i < inFlight.size(); i++) {
                    Batch.Item p = inFlight.items.get(i);
                    emit(PredictionSchema.ok(p.file(), p.width(), p.height(), topK.of(out.scores(), i), bundle.sha256(),
                            settings.embeddings() ? embedding(out, i) : null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the task is being killed; Spark discards its output
                throw new IllegalStateException("interrupted while waiting for inference", e);
            } catch (ExecutionException e) {
                for (Batch.Item p : inFlight.items) {
                    emit(PredictionSchema.error(p.file(), ErrorCode.INFERENCE_FAILED, "model run failed: " + e.getCause(),
                            bundle.sha256(), settings.embeddings()));
                }
            } finally {
                waitNs += System.nanoTime() - t0;
                inFlight.clear();
                spare = inFlight;
                inFlight = null;
                inFlightResult = null;
            }
        }

        /** Image {@code i}'s slice of the batch's features as an ML vector. */
        private Vector embedding(OrtEngine.Output out, int i) {
            double[] v = new double[out.featureSize()];
            for (int k = 0; k < v.length; k++) v[k] = out.features()[i * v.length + k];
            return Vectors.dense(v);
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
            inferenceThread.shutdown();
            if (images == 0) return;
            long taskNs = System.nanoTime() - startNs;
            TaskContext task = TaskContext.get();
            String executor = org.apache.spark.SparkEnv.get() != null ? org.apache.spark.SparkEnv.get().executorId() : "driver";
            reporting.stats().add(new PartitionStats(task != null ? task.partitionId() : -1, executor, hostName(), images, errors,
                    bytesRead, readNs, decodeNs, inferenceNs.get(), waitNs, Math.max(0, taskNs - readNs - decodeNs - waitNs), taskNs,
                    settings.batchSize(), engine.intraOpThreads(), EngineRegistry.sessionsCreated(bundle.sha256())));
        }
    }

    /** A reusable batch: the direct tensor buffer and the files whose images it holds. */
    private static final class Batch {
        record Item(PredictionSchema.FileRef file, int width, int height) {}

        final FloatBuffer tensors;
        final List<Item> items;
        private final int capacity;

        Batch(int capacity, int tensorSize) {
            this.capacity = capacity;
            this.tensors = ByteBuffer.allocateDirect(capacity * tensorSize * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            this.items = new ArrayList<>(capacity);
        }

        void add(PredictionSchema.FileRef file, int width, int height) {
            items.add(new Item(file, width, height));
        }

        int size() {
            return items.size();
        }

        boolean full() {
            return items.size() == capacity;
        }

        boolean isEmpty() {
            return items.isEmpty();
        }

        void clear() {
            items.clear();
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
