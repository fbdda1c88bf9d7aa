package org.sparkimage.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.model.ModelCard;

/**
 * The model part of a saved stage of this package: the ONNX bytes, the card and their sha256 under
 * {@code <stage path>/model/}, next to the Params metadata Spark's own writer puts there. Shared by
 * {@link MobileNetV2Classifier} and {@link MobileNetV2Featurizer}, so that a saved Pipeline loads
 * anywhere without the original model file.
 */
final class StageModelFiles {
    private static final String MODEL_DIR = "model";
    private static final String MODEL_FILE = "model.onnx";
    private static final String CARD_FILE = "card.json";
    private static final String SHA_FILE = "sha256";

    private StageModelFiles() {}

    /** Writes {@code m} under {@code stagePath/model/} (the files must not exist yet). */
    static void save(ModelBundle m, String stagePath, Configuration hadoop) throws IOException {
        Path dir = new Path(stagePath, MODEL_DIR);
        FileSystem fs = dir.getFileSystem(hadoop);
        write(fs, new Path(dir, MODEL_FILE), m.bytes());
        write(fs, new Path(dir, CARD_FILE), m.card().toJson().getBytes(StandardCharsets.UTF_8));
        write(fs, new Path(dir, SHA_FILE), m.sha256().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The model saved under {@code stagePath/model/}, checked against its saved sha256.
     *
     * @throws IllegalStateException when the bytes do not match the saved sha256
     */
    static ModelBundle load(String stagePath, Configuration hadoop) throws IOException {
        Path dir = new Path(stagePath, MODEL_DIR);
        FileSystem fs = dir.getFileSystem(hadoop);
        byte[] bytes = read(fs, new Path(dir, MODEL_FILE));
        ModelCard card = ModelCard.fromJson(new String(read(fs, new Path(dir, CARD_FILE)), StandardCharsets.UTF_8));
        String sha = new String(read(fs, new Path(dir, SHA_FILE)), StandardCharsets.UTF_8).trim();
        ModelBundle m = new ModelBundle(bytes, card);
        if (!m.sha256().equals(sha)) {
            throw new IllegalStateException("saved model " + new Path(dir, MODEL_FILE) + " has sha256 " + m.sha256()
                    + ", the stage was saved with " + sha);
        }
        return m;
    }

    /**
     * A stage's writer: its Params metadata through Spark's own writer (what {@code Pipeline.load}
     * expects), then its model under {@code path/model/}.
     *
     * @param uid    the stage's uid, for the error message
     * @param params the stage's Params writer ({@code DefaultParamsWritable.super.write()})
     * @param model  the stage's resolved model
     */
    static MLWriter writer(String uid, MLWriter params, Supplier<ModelBundle> model) {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                ModelBundle m = model.get();
                try {
                    params.session(sparkSession()).save(path);
                    StageModelFiles.save(m, path, sparkSession().sparkContext().hadoopConfiguration());
                } catch (IOException e) {
                    throw new IllegalStateException("cannot save stage " + uid + " to " + path, e);
                }
            }
        };
    }

    /**
     * A stage's reader: its Params through Spark's own reader, then the saved model, checked against
     * its sha256 and handed to the stage.
     *
     * @param useModel gives the loaded stage its model
     */
    static <T extends Params> MLReader<T> reader(BiConsumer<T, ModelBundle> useModel) {
        return new MLReader<T>() {
            @Override
            public T load(String path) {
                MLReader<T> params = new DefaultParamsReadable<T>() {}.read();
                params.session(sparkSession());
                T stage = params.load(path);
                try {
                    useModel.accept(stage, StageModelFiles.load(path, sparkSession().sparkContext().hadoopConfiguration()));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot load the model of the stage saved at " + path, e);
                }
                return stage;
            }
        };
    }

    private static void write(FileSystem fs, Path file, byte[] data) throws IOException {
        try (OutputStream out = fs.create(file, false)) {
            out.write(data);
        }
    }

    private static byte[] read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }
}
