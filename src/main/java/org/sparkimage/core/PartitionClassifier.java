package org.sparkimage.core;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
import org.sparkimage.model.ModelCard;

/**
 * The per-partition work, shared by every entry point (the CLI job, the ML transformer, the
 * benchmark): take the images of the input rows (a {@link RowBinding} says which), decode,
 * preprocess into a batch buffer, run the executor's shared ONNX Runtime session, and emit exactly
 * one output row per image, in input order. Errors are values: nothing an image contains can make
 * this throw.
 */
public final class PartitionClassifier implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Driver-side accumulators the tasks report to (the CLI job's progress and stats).
     *
     * @param processed rows emitted
     * @param errors    error rows emitted
     * @param stats     one entry per finished task
     */
    public record Reporting(LongAccumulator processed, LongAccumulator errors,
                            CollectionAccumulator<PartitionStats> stats) implements Serializable {}

    private final Broadcast<ModelBundle> model;
    private final ClassifierSettings settings;
    private final RowBinding binding;
    private final Reporting reporting;

    /**
     * @param model     the broadcast model
     * @param settings  batch size, top-k, decode limits and mode, embeddings
     * @param binding   which images an input row holds and what each output row is
     * @param reporting where to report progress and per-partition stats, or null for nowhere
     */
    public PartitionClassifier(Broadcast<ModelBundle> model, ClassifierSettings settings, RowBinding binding, Reporting reporting) {
        this.model = model;
        this.settings = settings;
        this.binding = binding;
        this.reporting = reporting;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Rows(input);
    }

    /**
     * Pulls images batch by batch and hands out their rows. Two batch buffers: the task thread reads
     * and decodes into one while the other runs in ONNX Runtime on the task's inference thread, so
     * a partition never waits for inference while it has images to decode (and vice versa). At most
     * one batch is in flight and one is filling: memory and threads stay bounded whatever the
     * partition size.
     */
    private final class Rows implements Iterator<Row> {
        private final Iterator<ImageInput> images;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final ModelBundle bundle = model.value();
        private final ModelCard card = bundle.card();
        private final TensorWriter tensors = new TensorWriter(card, settings);
        private final TopK topK = new TopK(settings.topK(), card.labels(), card.output().kind() == ModelCard.OutputKind.LOGITS);
        private final PartitionMeter meter = new PartitionMeter();
        private final OrtEngine engine;
        private final ExecutorService inferenceThread;
        private Batch filling;
        private Batch spare;
        private Batch inFlight;
        private Future<OrtEngine.Output> inFlightResult;
        private boolean finished;

        Rows(Iterator<Row> input) {
            this.images = binding.images(input);
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
            while (!filling.full() && decodeNext()) {
                // fill
            }
            if (!filling.isEmpty()) {
                submit(); // full, or the input's last images
            } else if (inFlight != null) {
                collect();
            } else {
                finish();
            }
        }

        /** Reads and decodes the next image into the filling batch; false at the end of the input. */
        private boolean decodeNext() {
            long t0 = System.nanoTime();
            if (!images.hasNext()) return false;
            ImageInput in = images.next();
            long t1 = System.nanoTime();
            meter.readNs += t1 - t0;
            if (in.failure() == null && in.pixels() == null) meter.bytesRead(in.bytes().length);
            TensorWriter.Written w = tensors.write(in, filling.tensors, filling.slots());
            if (w.failure() != null) {
                filling.addError(in, ClassificationResult.error(w.failure().code(), w.failure().getMessage(), bundle.sha256()));
            } else {
                filling.addImage(in, w.width(), w.height());
            }
            meter.decodeNs += System.nanoTime() - t1;
            return true;
        }

        /**
         * Hands the filled batch to the inference thread, after collecting the one before it. A
         * batch of only error rows never reaches ORT.
         */
        private void submit() {
            collect();
            Batch batch = filling;
            if (batch.slots() == 0) {
                emitFailed(batch, null);
                batch.clear();
                return;
            }
            filling = spare;
            spare = null;
            inFlight = batch;
            inFlightResult = inferenceThread.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    return engine.run(batch.tensors, batch.slots(), settings.embeddings());
                } finally {
                    meter.inferenceNs.addAndGet(System.nanoTime() - t0);
                }
            });
        }

        /** Waits for the batch in flight, emits its rows and recycles its buffer. */
        private void collect() {
            if (inFlight == null) return;
            long t0 = System.nanoTime();
            try {
                emitPredictions(inFlight, inFlightResult.get());
            } catch (ExecutionException e) {
                emitFailed(inFlight, ClassificationResult.error(ErrorCode.INFERENCE_FAILED, "model run failed: " + e.getCause(),
                        bundle.sha256()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the task is being killed; Spark discards its output
                throw new IllegalStateException("interrupted while waiting for inference", e);
            } finally {
                meter.waitNs += System.nanoTime() - t0;
                inFlight.clear();
                spare = inFlight;
                inFlight = null;
                inFlightResult = null;
            }
        }

        /** Emits a batch's rows in input order: its images' predictions from {@code out}. */
        private void emitPredictions(Batch batch, OrtEngine.Output out) {
            for (Batch.Item item : batch.items) {
                ClassificationResult result = item.error() != null ? item.error()
                        : ClassificationResult.ok(item.width(), item.height(), topK.of(out.scores(), item.slot()), bundle.sha256(),
                        settings.embeddings() ? embedding(out, item.slot()) : null);
                emit(item, result);
            }
        }

        /** Emits a batch's rows in input order, its images all with the same failure (the model run failed). */
        private void emitFailed(Batch batch, ClassificationResult failure) {
            for (Batch.Item item : batch.items) emit(item, item.error() != null ? item.error() : failure);
        }

        /** Image {@code i}'s slice of the batch's features as an ML vector. */
        private Vector embedding(OrtEngine.Output out, int i) {
            double[] v = new double[out.featureSize()];
            for (int k = 0; k < v.length; k++) v[k] = out.features()[i * v.length + k];
            return Vectors.dense(v);
        }

        private void emit(Batch.Item item, ClassificationResult result) {
            ready.add(binding.output(item.row(), item.ref(), result));
            meter.row(result);
            if (reporting != null) {
                reporting.processed().add(1);
                if (result.isError()) reporting.errors().add(1);
            }
        }

        private void finish() {
            finished = true;
            inferenceThread.shutdown();
            if (meter.images() == 0 || reporting == null) return;
            reporting.stats().add(meter.stats(new PartitionStats.Engine(settings.batchSize(), engine.intraOpThreads(),
                    EngineRegistry.sessionsCreated(bundle.sha256(), card), bundle.precision().toString())));
        }
    }
}
