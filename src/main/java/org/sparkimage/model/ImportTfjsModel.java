package org.sparkimage.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sparkimage.model.tfjs.KerasMobileNetV2Importer;
import org.sparkimage.model.tfjs.TfjsFiles;
import org.sparkimage.util.Sha256;

/**
 * Command line: imports a Keras MobileNetV2 saved as a TF.js layers model into an ONNX file with
 * the given card. Used by {@code scripts/import-default-model.sh}; the output is byte-for-byte
 * reproducible from the same inputs.
 *
 * <pre>ImportTfjsModel --model model.json|model.min.js --weights shard [--weights shard2 ...]
 *                --card card.json --output model.onnx [--source-note text]</pre>
 */
public final class ImportTfjsModel {
    private ImportTfjsModel() {}

    public static void main(String[] args) throws Exception {
        Path model = null;
        Path card = null;
        Path output = null;
        String note = "";
        List<Path> shards = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--weights" -> shards.add(Path.of(v));
                case "--card" -> card = Path.of(v);
                case "--output" -> output = Path.of(v);
                case "--source-note" -> note = v;
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        if (model == null || card == null || output == null || shards.isEmpty()) usage("missing arguments");

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
        System.out.print(importer.spec().summary());
        System.out.println("wrote " + output + " (" + onnx.length + " bytes), sha256 " + Sha256.hex(onnx));
    }

    private static void usage(String why) {
        System.err.println("ImportTfjsModel: " + why);
        System.err.println("usage: ImportTfjsModel --model <model.json|.js> --weights <shard>... --card <card.json> --output <model.onnx>");
        System.exit(2);
    }
}
