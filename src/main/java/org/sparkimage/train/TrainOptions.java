package org.sparkimage.train;

import java.nio.file.Path;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.setup.JobOptions;

/**
 * Everything one training run needs; built by the {@code train} command or a test.
 *
 * @param input       a folder per class, or null when {@code labels} names a table
 * @param labels      a {@code path,label} table (CSV or Parquet), or null for a folder per class
 * @param corrections a {@code path,label} table applied on top (empty label: left out), or null
 * @param output      the run's folder (any Hadoop URI): model, metrics, report, embeddings cache
 * @param cache       the embeddings cache folder; null: {@code <output>/embeddings}
 * @param model       the backbone: {@code default}, or an fp32 MobileNetV2 ONNX file this product wrote or imported
 * @param modelCard   its card file, or null for the card embedded in it
 * @param name        the trained model's name (its card's), or null for one made from the backbone's and the classes
 * @param embedding   how images are read and embedded (batch size, decode mode and limits)
 * @param run         how the embedding job runs (partitions, files per chunk, progress, read-ahead, Spark settings)
 * @param training    how the head is trained and validated
 * @param overwrite   replace an existing output (a valid embeddings cache in it is kept)
 */
public record TrainOptions(String input, String labels, String corrections, String output, String cache, String model,
                           Path modelCard, String name, ClassifierSettings embedding, JobOptions.Run run, TrainSettings training,
                           boolean overwrite) {
    /** Checks what no single part can check alone. */
    public TrainOptions {
        if ((input == null) == (labels == null)) throw new IllegalArgumentException("give one of --input and --labels");
        if (output == null) throw new IllegalArgumentException("--output is required");
        if (model == null || embedding == null || run == null || training == null) throw new IllegalArgumentException("incomplete options");
    }

    /** Defaults for everything but the class folders and the output. */
    public static TrainOptions of(String input, String output) {
        return new TrainOptions(input, null, null, output, null, "default", null, null, ClassifierSettings.DEFAULTS,
                JobOptions.Run.DEFAULT, TrainSettings.DEFAULTS, false);
    }

    /** A copy that overwrites an existing output. */
    public TrainOptions overwriting() {
        return new TrainOptions(input, labels, corrections, output, cache, model, modelCard, name, embedding, run, training, true);
    }

    /** A copy with other training settings. */
    public TrainOptions withTraining(TrainSettings t) {
        return new TrainOptions(input, labels, corrections, output, cache, model, modelCard, name, embedding, run, t, overwrite);
    }

    /** A copy reading another backbone. */
    public TrainOptions withModel(String m) {
        return new TrainOptions(input, labels, corrections, output, cache, m, null, name, embedding, run, training, overwrite);
    }

    /** A copy with a corrections table. */
    public TrainOptions withCorrections(String table) {
        return new TrainOptions(input, labels, table, output, cache, model, modelCard, name, embedding, run, training, overwrite);
    }

    /** A copy labeled by a table instead of class folders. */
    public TrainOptions withLabelTable(String table) {
        return new TrainOptions(null, table, corrections, output, cache, model, modelCard, name, embedding, run, training, overwrite);
    }

    /** A copy with its embeddings cache elsewhere. */
    public TrainOptions withCache(String dir) {
        return new TrainOptions(input, labels, corrections, output, dir, model, modelCard, name, embedding, run, training, overwrite);
    }
}
