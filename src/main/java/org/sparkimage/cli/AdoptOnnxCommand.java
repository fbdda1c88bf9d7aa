package org.sparkimage.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.WrittenModel;
import org.sparkimage.model.onnx.OnnxMobileNetV2Adopter;
import org.sparkimage.setup.JobException;
import org.sparkimage.util.CommandLines;
import org.sparkimage.util.Sha256;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/model.sh adopt}: an ONNX MobileNetV2 exported by another tool ({@code
 * torch.onnx.export}, tf2onnx) is recognised from its graph and re-written as the product's own model
 * with a card, so int8, embeddings and new heads work on it. A graph that is not a MobileNetV2 of a
 * known variant stays opaque, and the command says why. Exit status: 0, 2 for a usage error, 5 when
 * the graph is refused.
 */
@Command(name = "adopt", mixinStandardHelpOptions = true,
        description = "Re-write an ONNX MobileNetV2 exported by PyTorch or tf2onnx as this project's own model.",
        footer = {"", "Example: scripts/model.sh adopt exported.onnx --classes labels.txt --output model.onnx"})
public final class AdoptOnnxCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<file.onnx>", description = "The exported model (weights inside the file).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "<model.onnx>", description = "The ONNX file to write.")
    Path output;

    @Option(names = "--model-card", paramLabel = "FILE",
            description = "A card for the exported model; replaces the card options below.")
    Path modelCard;

    @Option(names = "--resolution", defaultValue = "224", paramLabel = "R",
            description = "Input size when the graph's is dynamic (a fixed size in the graph wins). Default: ${DEFAULT-VALUE}.")
    int resolution;

    @Mixin
    ImportedCard cardOptions = new ImportedCard();

    private final PrintStream console;

    AdoptOnnxCommand(PrintStream console) {
        this.console = console;
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new AdoptOnnxCommand(console), console, "adopt: failed", args);
    }

    /** The {@code adopt} command line; exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }

    @Override
    public Integer call() throws IOException {
        if (cardOptions.problem() != null) return usage(cardOptions.problem());
        byte[] onnx;
        try {
            onnx = Files.readAllBytes(input);
        } catch (java.nio.file.NoSuchFileException e) {
            console.println("adopt: no such file: " + input);
            return JobException.EXIT_MODEL;
        }
        try {
            WrittenModel model = modelCard != null ? WrittenModel.adopt(onnx, ModelCard.load(modelCard)) : withOwnCard(onnx);
            MobileNetV2Spec spec = model.spec();
            byte[] written = MobileNetV2OnnxWriter.write(spec, model.weights(), model.card(),
                    new MobileNetV2OnnxWriter.Options(false, Map.of("source_adopted_file", input.getFileName().toString(),
                            "source_adopted_sha256", Sha256.hex(onnx))));
            if (output.getParent() != null) Files.createDirectories(output.getParent());
            Files.write(output, written);
            console.printf(Locale.ROOT, "%s: %s%n", input.getFileName(), model.weights().description());
            console.println("wrote " + output + " (" + written.length + " bytes), sha256 " + Sha256.hex(written));
            return 0;
        } catch (IllegalArgumentException e) { // not a MobileNetV2, or a card that does not fit it
            console.println("adopt: " + input.getFileName() + " stays opaque: " + e.getMessage());
            return JobException.EXIT_MODEL;
        }
    }

    /** The graph read with a card built from the card options and what the graph says (layout, softmax). */
    private WrittenModel withOwnCard(byte[] onnx) throws IOException {
        OnnxMobileNetV2Adopter.Adopted a = OnnxMobileNetV2Adopter.adopt(onnx, resolution);
        List<String> labels = cardOptions.labels(a.spec().head().classes());
        if (labels.size() != a.spec().head().classes()) {
            throw new IllegalArgumentException("--classes names " + labels.size() + " classes, the graph's head has "
                    + a.spec().head().classes());
        }
        ModelCard card = cardOptions.card(a.spec(), labels, a.nhwc() ? ModelCard.Layout.NHWC : ModelCard.Layout.NCHW, a.softmax(),
                input, a.description());
        return WrittenModel.adopt(onnx, card);
    }

    private int usage(String message) {
        console.println("adopt: " + message);
        return JobException.EXIT_USAGE;
    }
}
