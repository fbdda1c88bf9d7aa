package org.sparkimage.curate;

import java.nio.file.Path;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.setup.JobOptions;
import org.sparkimage.train.TrainSettings;

/**
 * Everything one curation pass needs; built by the {@code curate} command or a test.
 *
 * @param input          a folder per class, or null when {@code labels} names a table
 * @param labels         a {@code path,label} table (CSV or Parquet), or null
 * @param corrections    a {@code path,label} table applied on top (a reviewer's decisions), or null
 * @param output         the pass's folder (any Hadoop URI)
 * @param cache          the embeddings cache folder; null: {@code <output>/embeddings}
 * @param model          the backbone: {@code default} or an fp32 MobileNetV2 this product wrote or imported
 * @param modelCard      its card file, or null
 * @param embedding      how images are read and embedded
 * @param run            how the embedding job runs
 * @param crossFit       the cross-fitting: grid ({@code regParams}), k ({@code folds}), iterations, parallelism
 * @param near           the near-duplicate search, or null to skip duplicates
 * @param exact          whether exact duplicates are found by content hash (one more read of every file, no decode)
 * @param imageRoot      the folder that {@code imageUrlPrefix} stands for; null: the input folder or the table's
 * @param imageUrlPrefix URL prefix for Label Studio's {@code data.image}; null: the file's URI
 * @param reviewLimit    cards per review queue in the page at most
 * @param thumbSize      thumbnail box in pixels
 * @param overwrite      replace an existing output (a valid embeddings cache in it is kept)
 */
public record CurateOptions(String input, String labels, String corrections, String output, String cache, String model,
                            Path modelCard, ClassifierSettings embedding, JobOptions.Run run, TrainSettings crossFit,
                            NearDuplicates near, boolean exact, String imageRoot, String imageUrlPrefix, int reviewLimit,
                            int thumbSize, boolean overwrite) {
    /**
     * Cross-fitting unless asked otherwise: 5 folds (cleanlab's default), 4 fits at a time, and a grid
     * whose middle is where the out-of-sample log loss was lowest on the shipped set with labels moved
     * (regParam 1 on three seeds, measured with scripts/reference-curation.py; docs/curation.md):
     * a cross-fitted head trains on 4/5 of a few hundred rows, and needs more regularisation than
     * the train command's, which 1e-3 to 1e-1 left at the edge of the grid.
     */
    public static final TrainSettings DEFAULT_CROSS_FIT = TrainSettings.DEFAULTS.withFits(new double[] {1e-2, 1e-1, 1, 10}, 5,
            TrainSettings.DEFAULT_PARALLELISM);
    /** Cards per review queue unless asked otherwise. */
    public static final int DEFAULT_REVIEW_LIMIT = 500;

    /** Checks what no single part can check alone. */
    public CurateOptions {
        if ((input == null) == (labels == null)) throw new IllegalArgumentException("give one of --input and --labels");
        if (output == null) throw new IllegalArgumentException("--output is required");
        if (model == null || embedding == null || run == null || crossFit == null) throw new IllegalArgumentException("incomplete options");
        if (reviewLimit < 1) throw new IllegalArgumentException("--review-limit must be >= 1");
        if (thumbSize < 16 || thumbSize > 1024) throw new IllegalArgumentException("--thumb-size must be in 16..1024");
    }

    /** Defaults for everything but the class folders and the output. */
    public static CurateOptions of(String input, String output) {
        return new CurateOptions(input, null, null, output, null, "default", null, ClassifierSettings.DEFAULTS, JobOptions.Run.DEFAULT,
                DEFAULT_CROSS_FIT, NearDuplicates.DEFAULTS, true, null, null, DEFAULT_REVIEW_LIMIT, 128, false);
    }
}
