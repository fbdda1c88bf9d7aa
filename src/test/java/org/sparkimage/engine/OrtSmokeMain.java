package org.sparkimage.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.sparkimage.model.DefaultModel;

/** Loads the default model in ONNX Runtime and runs one image; started in a child JVM by a test. */
public final class OrtSmokeMain {
    private OrtSmokeMain() {}

    public static void main(String[] args) throws Exception {
        byte[] model = DefaultModel.bytes();
        try (OrtEngine engine = new OrtEngine(model, DefaultModel.embeddedCard(model), 1)) {
            var input = ByteBuffer.allocateDirect(engine.card().tensorSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            OrtEngine.Output out = engine.run(input, 1, false);
            System.out.println("ORT-OK classes=" + out.classes());
        }
    }
}
