package org.sparkimage.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.sparkimage.model.DefaultModel;
import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.onnx.OnnxModelInfo;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.util.Sha256;

/**
 * What the driver broadcasts: the model bytes (read once), its card and its sha256. Each executor
 * JVM keeps one ONNX Runtime session per model and card ({@link org.sparkimage.engine.EngineRegistry}).
 */
public final class ModelBundle implements Serializable {
    private static final long serialVersionUID = 1L;

    /** ONNX files above this are refused before they are read (the default model has 9 MB). */
    static final long MAX_MODEL_BYTES = 1L << 30;

    private final byte[] bytes;
    private final String cardJson;
    private final String sha256;
    private final Precision precision;
    private transient ModelCard card;

    /** A model and the card that says how to feed it. */
    public ModelBundle(byte[] bytes, ModelCard card) {
        this.bytes = bytes;
        this.cardJson = card.toJson();
        this.sha256 = Sha256.hex(bytes);
        this.card = card;
        this.precision = precisionOf(bytes);
    }

    /** int8 when the model's metadata says so (models this project quantized), else fp32. */
    private static Precision precisionOf(byte[] bytes) {
        try {
            String p = OnnxModelInfo.read(bytes).metadata().get(MobileNetV2OnnxWriter.META_PRECISION);
            return p == null ? Precision.FP32 : Precision.parse(p);
        } catch (IllegalArgumentException e) {
            return Precision.FP32; // not an ONNX file this reader understands: ONNX Runtime will say what is wrong
        }
    }

    /**
     * Resolves {@code --model} and {@code --model-card} on the driver: {@code default} is the
     * shipped model; anything else is an ONNX file read through its Hadoop file system (a local
     * path, {@code file:}, {@code hdfs:}, {@code s3a:} ...). A model without a card file must carry a
     * card in its metadata (models written by this project do).
     *
     * @param model    {@code default}, or a path or Hadoop URI of an ONNX file
     * @param cardFile a local card JSON file, or null for the card embedded in the model
     * @param hadoop   the Hadoop configuration that resolves the model's file system
     * @throws IOException when the model cannot be read or has no usable card
     */
    public static ModelBundle resolve(String model, Path cardFile, Configuration hadoop) throws IOException {
        byte[] bytes = model == null || model.equals("default") ? DefaultModel.bytes() : read(model, hadoop);
        ModelCard card;
        if (cardFile != null) {
            card = ModelCard.load(cardFile);
        } else {
            try {
                card = DefaultModel.embeddedCard(bytes);
            } catch (RuntimeException e) {
                throw new IOException("model " + model + " is not a valid ONNX file: " + e.getMessage(), e);
            }
            if (card == null) throw new IOException("model " + model + " carries no model card; pass --model-card <card.json>");
        }
        return new ModelBundle(bytes, card);
    }

    /** {@link #resolve(String, Path, Configuration)} with a default Hadoop configuration (local files). */
    public static ModelBundle resolve(String model, Path cardFile) throws IOException {
        return resolve(model, cardFile, new Configuration());
    }

    private static byte[] read(String model, Configuration hadoop) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(model);
        // A path without a scheme is a local file (as the option says), not one on the cluster's
        // default file system: on YARN that is HDFS, and a model shipped with --files lies in the
        // driver container's working folder.
        if (p.toUri().getScheme() == null) p = new org.apache.hadoop.fs.Path(Path.of(model).toAbsolutePath().toUri());
        FileSystem fs = p.getFileSystem(hadoop);
        long length;
        try {
            var status = fs.getFileStatus(p);
            if (!status.isFile()) throw new IOException("model " + model + " is not a file");
            length = status.getLen();
        } catch (java.io.FileNotFoundException e) {
            throw new IOException("model file " + model + " does not exist", e);
        }
        if (length > MAX_MODEL_BYTES) throw new IOException("model file " + model + " has " + length + " bytes, more than 1 GiB");
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }

    /** The ONNX model. */
    public byte[] bytes() {
        return bytes;
    }

    /** How to feed the model and read its answer. */
    public ModelCard card() {
        if (card == null) card = ModelCard.fromJson(cardJson);
        return card;
    }

    /** The arithmetic the model runs in, from its metadata. */
    public Precision precision() {
        return precision;
    }

    /** The sha256 of {@link #bytes()}, written into every row as {@code model_sha256}. */
    public String sha256() {
        return sha256;
    }

    /**
     * This model as one the project wrote, which int8, embeddings and new heads need: itself when it
     * is one; else the MobileNetV2 recognised in its graph (an export from PyTorch or tf2onnx),
     * re-written with its card by the project's writer, with a {@code features} output and the sha256 of
     * the file it came from in {@code source_adopted_sha256}.
     *
     * @throws IllegalArgumentException when the graph is not a MobileNetV2 of a known variant or the
     *                                  card does not fit it; the message says why
     */
    public ModelBundle written() {
        if (WrittenModel.isWritten(bytes)) return this;
        WrittenModel adopted = WrittenModel.adopt(bytes, card());
        byte[] rewritten = MobileNetV2OnnxWriter.write(adopted.spec(), adopted.weights(), adopted.card(),
                new MobileNetV2OnnxWriter.Options(false, Map.of("source_adopted_sha256", sha256)));
        return new ModelBundle(rewritten, adopted.card());
    }
}
