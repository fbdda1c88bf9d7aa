package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.sparkimage.model.ModelCard;
import org.sparkimage.testing.ReferenceData;

/** Locations of the shared reference data and small helpers shared by the image tests. */
final class TestData {
    private TestData() {
    }

    /**
     * A reference folder ({@code nsfw-mobilenetv2} or {@code bad-inputs}) of the data that ships
     * with the project (src/test/data, made ready by ReferenceData).
     */
    static Path reference(String name) {
        Path dir = switch (name) {
            case "nsfw-mobilenetv2" -> ReferenceData.nsfwDir();
            case "bad-inputs" -> ReferenceData.badInputsDir();
            default -> throw new IllegalArgumentException(name);
        };
        assertTrue(Files.isDirectory(dir), "reference data folder is missing: " + dir.toAbsolutePath());
        return dir;
    }

    /**
     * The same folder of the full reference set ({@code -Dsparkimage.shared}): the calling test is
     * skipped without the setting and fails when the setting names a folder that is not there.
     */
    static Path fullReference(String name) {
        Path dir = ReferenceData.fullReference().resolve(name);
        assertTrue(Files.isDirectory(dir), "reference data folder is missing: " + dir.toAbsolutePath());
        return dir;
    }

    /** The shipped nsfwjs model card (path relative to the project base directory, surefire's working directory). */
    static ModelCard nsfwCard() throws IOException {
        Path card = Path.of("conf/models/nsfwjs-mobilenetv2.card.json");
        assertTrue(Files.isRegularFile(card), "model card missing: " + card.toAbsolutePath());
        return ModelCard.load(card);
    }

    /** A float buffer for one tensor, backed by little-endian bytes so that its serialised form is at hand. */
    static ByteBuffer tensorBytes(ModelCard card) {
        return ByteBuffer.allocate(card.tensorSize() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    static FloatBuffer tensor(ModelCard card, RgbImage img) {
        FloatBuffer f = tensorBytes(card).asFloatBuffer();
        new Preprocessor(card).write(img, f, 0);
        return f;
    }

    static String sha256(byte[] bytes) {
        return org.sparkimage.util.Sha256.hex(bytes);
    }

    /** A model card with the given preprocessing; the rest is irrelevant to the image package. */
    static ModelCard card(ModelCard.Layout layout, int width, int height, ModelCard.ChannelOrder order,
                          ModelCard.Resize resize, int resizeShorter, ModelCard.Interpolation interpolation,
                          float divisor, float[] mean, float[] std) {
        return new ModelCard("test", new ModelCard.Input("input", layout, width, height, order),
                new ModelCard.Preprocess(resize, resizeShorter, interpolation, divisor, mean, std, new int[] {255, 255, 255}),
                new ModelCard.Output("scores", ModelCard.OutputKind.PROBABILITIES, null, List.of("a", "b")), "", "");
    }

    /** An image whose every pixel is produced by {@code f(x, y, c)}. */
    static RgbImage image(int width, int height, PixelFunction f) {
        byte[] px = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) px[(y * width + x) * 3 + c] = (byte) f.value(x, y, c);
            }
        }
        return new RgbImage(width, height, px);
    }

    @FunctionalInterface
    interface PixelFunction {
        int value(int x, int y, int c);
    }
}
