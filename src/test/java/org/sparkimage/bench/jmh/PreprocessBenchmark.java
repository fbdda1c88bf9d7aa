package org.sparkimage.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.RgbImage;
import org.sparkimage.model.DefaultModel;
import org.sparkimage.model.ModelCard;

/**
 * Resize + normalise + tensor fill into a direct buffer ({@link Preprocessor#write}) for the
 * default card (224x224 bilinear align-corners stretch, NHWC) and an ImageNet card (shorter side
 * 256, centre crop 224, area, NCHW), from the sizes the job feeds it: a DCT-scaled camera photo
 * (1000x750), an ImageNet-sized one (500x375), and a full 12 MP one (what javax.imageio gives).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PreprocessBenchmark {
    @Param({"500x375", "1000x750", "4032x3024"})
    public String source;

    @Param({"default", "imagenet"})
    public String card;

    private Preprocessor preprocessor;
    private RgbImage image;
    private FloatBuffer tensor;

    @Setup
    public void setUp() throws Exception {
        ModelCard c = card.equals("default") ? DefaultModel.embeddedCard(DefaultModel.bytes())
                : ModelCard.imagenet("imagenet-224", 224, ModelCard.numberedLabels(1000), "benchmark", "none");
        preprocessor = new Preprocessor(c);
        String[] wh = source.split("x");
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        byte[] px = new byte[w * h * 3];
        new Random(7).nextBytes(px);
        image = new RgbImage(w, h, px);
        tensor = ByteBuffer.allocateDirect(c.tensorSize() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Benchmark
    public FloatBuffer write() {
        preprocessor.write(image, tensor, 0);
        return tensor;
    }
}
