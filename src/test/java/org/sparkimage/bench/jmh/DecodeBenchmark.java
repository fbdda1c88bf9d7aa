package org.sparkimage.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ScaleHint;

/**
 * JPEG decode kernels on one file: libjpeg-turbo at --decode scaled's DCT scale (hint 448 = 2 x the
 * default model's input), libjpeg-turbo at full size, and javax.imageio (the baseline). The file
 * is a hostile-input corpus photograph of the chosen size (src/test/data, the large one generated).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class DecodeBenchmark {
    /** small: 640x416 (0.3 MP); large: 8000x6000 (48 MP). */
    @Param({"small", "large"})
    public String size;

    private byte[] jpeg;
    private final GuardedImageDecoder fast = new GuardedImageDecoder();
    private final GuardedImageDecoder imageIo = fast.withoutNativeJpeg();
    private final ScaleHint jobHint = new ScaleHint(448, 448);

    @Setup
    public void load() throws Exception {
        Path dir = org.sparkimage.testing.ReferenceData.badInputsDir(); // shipped and generated hostile inputs
        jpeg = Files.readAllBytes(dir.resolve(size.equals("small") ? "photo café 1.jpg" : "large_8000x6000.jpg"));
    }

    @Benchmark
    public DecodedImage nativeScaled() throws Exception {
        return fast.decode(jpeg, jobHint);
    }

    @Benchmark
    public DecodedImage nativeFull() throws Exception {
        return fast.decode(jpeg, ScaleHint.FULL_RESOLUTION);
    }

    @Benchmark
    public DecodedImage imageioFull() throws Exception {
        return imageIo.decode(jpeg, ScaleHint.FULL_RESOLUTION);
    }
}
