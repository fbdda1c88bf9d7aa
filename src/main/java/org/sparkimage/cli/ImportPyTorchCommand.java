package org.sparkimage.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.sparkimage.model.MobileNetV2OnnxWriter;
import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;
import org.sparkimage.model.torch.PyTorchLayout;
import org.sparkimage.model.torch.PyTorchMobileNetV2Importer;
import org.sparkimage.model.torch.StateDict;
import org.sparkimage.model.torch.TorchCheckpoint;
import org.sparkimage.setup.JobException;
import org.sparkimage.util.CommandLines;
import org.sparkimage.util.Sha256;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/model.sh import-pytorch}: a PyTorch MobileNetV2 checkpoint (a {@code torch.save}
 * file holding a state_dict, or a training checkpoint dict with one) becomes the product's own ONNX
 * model with a card, so every path (int8, embeddings, new heads, the transformer, SQL) takes it.
 * Exit status: 0, 2 for a usage error, 5 for a checkpoint that is refused (with the reason).
 */
@Command(name = "import-pytorch", mixinStandardHelpOptions = true,
        description = "Import a PyTorch MobileNetV2 state_dict (seed design or torchvision layout) as this project's ONNX model.",
        footer = {"", "Example: scripts/model.sh import-pytorch mobilenet_v2.pth --classes labels.txt --output model.onnx"})
public final class ImportPyTorchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<file.pt|.pth>", description = "A torch.save file (zip format, PyTorch 1.6 or later).")
    Path checkpoint;

    @Option(names = "--output", required = true, paramLabel = "<model.onnx>", description = "The ONNX file to write.")
    Path output;

    @Mixin
    ImportedCard cardOptions = new ImportedCard();

    @Option(names = "--variant", paramLabel = "seed|torchvision",
            description = "The code the checkpoint was trained with; checked against its keys. Default: told from the keys.")
    PyTorchLayout variant;

    @Option(names = "--width", paramLabel = "W", description = "Width multiplier. Default: found from the shapes.")
    Double width;

    @Option(names = "--resolution", defaultValue = "224", paramLabel = "R", description = "Input size in pixels. Default: ${DEFAULT-VALUE}.")
    int resolution;

    @Option(names = "--layout", defaultValue = "NCHW", paramLabel = "NCHW|NHWC", description = "Input tensor layout. Default: ${DEFAULT-VALUE}.")
    ModelCard.Layout layout;

    @Option(names = "--bn-eps", defaultValue = "1e-5", paramLabel = "EPS",
            description = "BatchNorm epsilon of the modules (a state_dict does not store it). Default: PyTorch's, ${DEFAULT-VALUE}.")
    double bnEpsilon;

    private final PrintStream console;

    ImportPyTorchCommand(PrintStream console) {
        this.console = console;
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new ImportPyTorchCommand(console), console, "import-pytorch: failed", args);
    }

    /** The {@code import-pytorch} command line; exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }

    @Override
    public Integer call() throws IOException {
        if (cardOptions.problem() != null) return usage(cardOptions.problem());
        try (StateDict dict = TorchCheckpoint.read(checkpoint)) {
            PyTorchMobileNetV2Importer importer = new PyTorchMobileNetV2Importer(dict,
                    new PyTorchMobileNetV2Importer.Options(variant, width, resolution, bnEpsilon),
                    "imported from PyTorch checkpoint " + checkpoint.getFileName());
            MobileNetV2Spec spec = importer.spec();
            List<String> labels = cardOptions.labels(spec.head().classes());
            if (labels.size() != spec.head().classes()) {
                return usage("--classes names " + labels.size() + " classes, the checkpoint's classifier has " + spec.head().classes());
            }
            String source = String.format(Locale.ROOT, "PyTorch checkpoint %s (%s, %s layout, %s channels, BatchNorm eps %s)",
                    checkpoint.getFileName(), dict.origin(), importer.layout().label(), spec.channels().label(), bnEpsilon);
            ModelCard card = cardOptions.card(spec, labels, layout, false, checkpoint, source);
            byte[] onnx = MobileNetV2OnnxWriter.write(spec, importer, card,
                    new MobileNetV2OnnxWriter.Options(false, provenance(importer, dict.origin())));
            if (output.getParent() != null) Files.createDirectories(output.getParent());
            Files.write(output, onnx);
            console.printf(Locale.ROOT, "%s: %s layout (%s), %s, %,d parameters%n", checkpoint.getFileName(),
                    importer.layout().label(), dict.origin(), spec.id(), spec.params());
            console.println("wrote " + output + " (" + onnx.length + " bytes), sha256 " + Sha256.hex(onnx));
            return 0;
        } catch (IllegalArgumentException e) { // CheckpointException and a spec the options cannot build
            console.println("import-pytorch: " + e.getMessage());
            return JobException.EXIT_MODEL;
        } catch (java.nio.file.NoSuchFileException e) {
            console.println("import-pytorch: no such file: " + e.getFile());
            return JobException.EXIT_MODEL;
        }
    }

    private int usage(String message) {
        console.println("import-pytorch: " + message);
        return JobException.EXIT_USAGE;
    }

    private Map<String, String> provenance(PyTorchMobileNetV2Importer importer, String origin) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("source_checkpoint_file", checkpoint.getFileName().toString());
        m.put("source_checkpoint_sha256", sha256(checkpoint));
        m.put("source_state_dict", origin);
        m.put("source_layout", importer.layout().label());
        m.put("source_batchnorm_epsilon", Double.toString(bnEpsilon));
        return m;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Sha256.digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
