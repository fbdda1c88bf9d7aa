package org.sparkimage.model;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.sparkimage.model.tfjs.KerasMobileNetV2Importer;
import org.sparkimage.model.tfjs.TfjsFiles;
import org.sparkimage.util.CommandLines;
import org.sparkimage.util.Sha256;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line: imports a Keras MobileNetV2 saved as a TF.js layers model into an ONNX file with
 * the given card. Used by {@code scripts/import-default-model.sh}; the output is byte-for-byte
 * reproducible from the same inputs. A missing option or option value is a usage error: exit
 * status 2 with the usage message.
 *
 * <pre>ImportTfjsModel --model model.json|model.min.js --weights shard [--weights shard2 ...]
 *                --card card.json --output model.onnx [--source-note text]</pre>
 */
@Command(name = "ImportTfjsModel", mixinStandardHelpOptions = true,
        description = "Import a Keras MobileNetV2 saved as a TF.js layers model into an ONNX file with the given card.")
public final class ImportTfjsModel implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<model.json|.js>", description = "The TF.js layers model (model.json or model.min.js).")
    Path model;

    @Option(names = "--weights", required = true, paramLabel = "<shard>", description = "A weights shard; repeat for each, in order.")
    List<Path> shards;

    @Option(names = "--card", required = true, paramLabel = "<card.json>", description = "The model card to embed.")
    Path card;

    @Option(names = "--output", required = true, paramLabel = "<model.onnx>", description = "The ONNX file to write.")
    Path output;

    @Option(names = "--source-note", paramLabel = "<text>", defaultValue = "", description = "Free text stored as source_note in the metadata.")
    String note;

    private final PrintStream console;

    ImportTfjsModel(PrintStream console) {
        this.console = console;
    }

    /** Runs the command and returns its exit status: 0, 2 for a usage error, 1 for a failure. */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new ImportTfjsModel(console), console, "ImportTfjsModel: failed", args);
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("source_model_file_sha256", Sha256.hex(Files.readAllBytes(model)));
        for (int i = 0; i < shards.size(); i++) {
            provenance.put("source_weights_file_" + (i + 1) + "_sha256", Sha256.hex(Files.readAllBytes(shards.get(i))));
        }
        if (!note.isEmpty()) provenance.put("source_note", note);
        ModelCard modelCard = ModelCard.load(card);
        KerasMobileNetV2Importer importer = new KerasMobileNetV2Importer(TfjsFiles.read(model, shards),
                "imported from TF.js layers model " + model.getFileName());
        byte[] onnx = MobileNetV2OnnxWriter.write(importer.spec(), importer, modelCard,
                new MobileNetV2OnnxWriter.Options(false, provenance));
        if (output.getParent() != null) Files.createDirectories(output.getParent());
        Files.write(output, onnx);
        console.print(importer.spec().summary());
        console.println("wrote " + output + " (" + onnx.length + " bytes), sha256 " + Sha256.hex(onnx));
        return 0;
    }
}
