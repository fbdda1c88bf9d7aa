package org.sparkimage.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.sparkimage.model.onnx.OnnxModelInfo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scripts/model.sh}: print the MobileNetV2 layer table, build seeded models, inspect ONNX files. */
@Command(name = "model", mixinStandardHelpOptions = true, subcommands = {
        ModelTool.Summary.class, ModelTool.Build.class, ModelTool.Inspect.class},
        description = "MobileNetV2 architecture tools.")
public final class ModelTool implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Architecture options shared by summary and build. */
    static class Arch {
        @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier. Default: ${DEFAULT-VALUE}.")
        double width;
        @Option(names = "--resolution", defaultValue = "224", description = "Input size in pixels. Default: ${DEFAULT-VALUE}.")
        int resolution;
        @Option(names = "--classes", defaultValue = "1000", description = "Classes of the linear classifier. Default: ${DEFAULT-VALUE}.")
        int classes;
        @Option(names = "--padding", defaultValue = "SYMMETRIC", description = "SYMMETRIC (PyTorch) or TF_SAME (Keras). Default: ${DEFAULT-VALUE}.")
        Padding padding;
        @Option(names = "--channels", defaultValue = "DIVISIBLE8",
                description = "Channel rule: DIVISIBLE8 (torchvision, Keras) or SEED (the seed design: stem 32, int(c x width)). Default: ${DEFAULT-VALUE}.")
        ChannelRule channels;

        MobileNetV2Spec spec() {
            return new MobileNetV2Spec(width, resolution, Head.classifier(classes), padding, channels);
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true, description = "Print the per-layer table (shapes, params, MACs).")
    static final class Summary implements Runnable {
        @CommandLine.Mixin
        Arch arch = new Arch();

        @Override
        public void run() {
            System.out.print(arch.spec().summary());
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Write an ONNX model with seeded random weights and an ImageNet-style card (for benchmarks).")
    static final class Build implements Callable<Integer> {
        @CommandLine.Mixin
        Arch arch = new Arch();
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--output", required = true) Path output;

        @Override
        public Integer call() throws Exception {
            MobileNetV2Spec spec = arch.spec();
            ModelCard card = ModelCard.imagenet(spec.id() + "-seeded", spec.resolution(),
                    ModelCard.numberedLabels(spec.head().classes()), "seeded initialisation (seed " + seed + ")", "none");
            byte[] onnx = MobileNetV2OnnxWriter.write(spec, new SeededWeights(seed), card, MobileNetV2OnnxWriter.Options.defaults());
            Files.write(output, onnx);
            System.out.printf(Locale.ROOT, "wrote %s: %s, %,d bytes%n", output, spec.id(), onnx.length);
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show an ONNX file's inputs, outputs, ops and metadata.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "<file.onnx>") Path file;

        @Override
        public Integer call() throws Exception {
            OnnxModelInfo info = OnnxModelInfo.read(Files.readAllBytes(file));
            System.out.printf(Locale.ROOT, "IR %d, opset %d, %,d weights in %d initializers%n", info.irVersion(), info.opset(),
                    info.initializerElements(), info.initializerSizes().size());
            info.inputs().forEach(v -> System.out.println("input  " + v.name() + " " + v.dims()));
            info.outputs().forEach(v -> System.out.println("output " + v.name() + " " + v.dims()));
            System.out.println("ops: " + info.opTypes().stream().distinct().sorted().toList());
            info.metadata().forEach((k, v) -> System.out.println("meta " + k + ": " + (v.length() > 200 ? v.substring(0, 200) + "..." : v)));
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelTool()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
