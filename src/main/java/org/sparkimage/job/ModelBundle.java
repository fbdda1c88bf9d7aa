package org.sparkimage.job;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

import org.sparkimage.model.DefaultModel;
import org.sparkimage.model.ModelCard;
import org.sparkimage.util.Sha256;

/**
 * What the driver broadcasts: the model bytes (read once), its card and its sha256, the key under
 * which each executor JVM keeps one ONNX Runtime session.
 */
public final class ModelBundle implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] bytes;
    private final String cardJson;
    private final String sha256;
    private transient ModelCard card;

    public ModelBundle(byte[] bytes, ModelCard card) {
        this.bytes = bytes;
        this.cardJson = card.toJson();
        this.sha256 = Sha256.hex(bytes);
        this.card = card;
    }

    /**
     * Resolves {@code --model} and {@code --model-card}: {@code default} is the shipped model; a
     * file without a card file must carry a card in its metadata (models written by this project do).
     */
    public static ModelBundle resolve(String model, Path cardFile) throws IOException {
        byte[] bytes;
        if (model == null || model.equals("default")) {
            bytes = DefaultModel.bytes();
        } else {
            Path p = Path.of(model);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) throw new IOException("model file " + model + " is not readable");
            bytes = Files.readAllBytes(p);
        }
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

    public byte[] bytes() {
        return bytes;
    }

    public ModelCard card() {
        if (card == null) card = ModelCard.fromJson(cardJson);
        return card;
    }

    public String sha256() {
        return sha256;
    }
}
