package org.sparkimage.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.sparkimage.model.onnx.OnnxModelInfo;

/**
 * The model that ships inside the project: the MobileNetV2 of nsfwjs 4.4.0 (MIT, Infinite Red),
 * imported by {@code scripts/import-default-model.sh}. Its card travels in its ONNX metadata.
 */
public final class DefaultModel {
    /** Where the model lies on the classpath. */
    public static final String RESOURCE = "/org/sparkimage/model/nsfwjs-mobilenetv2.onnx";

    private DefaultModel() {}

    /** The shipped ONNX model's bytes. */
    public static byte[] bytes() {
        try (InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the default model " + RESOURCE + " is not on the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The card embedded in a model written by this project, or null if it has none. */
    public static ModelCard embeddedCard(byte[] model) {
        String json = OnnxModelInfo.read(model).metadata().get(MobileNetV2OnnxWriter.META_CARD);
        return json == null ? null : ModelCard.fromJson(json);
    }
}
