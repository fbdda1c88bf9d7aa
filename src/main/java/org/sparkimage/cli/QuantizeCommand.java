package org.sparkimage.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Int8Models;
import org.sparkimage.core.ModelBundle;
import org.sparkimage.core.Quantization;
import org.sparkimage.input.CalibrationFiles;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.setup.JobException;
import org.sparkimage.util.CommandLines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/model.sh quantize}: builds the int8 form of a model once, to a file that later
 * runs load with {@code --model} (they then skip calibration; the file says it is int8).
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, version = "spark-image-classifier 0.1.0",
        description = "Writes the int8 form of a MobileNetV2 this project wrote, calibrated on a folder of images.",
        footer = {"", "Example: scripts/model.sh quantize --calibration src/test/data/nsfw-mobilenetv2/images --output /tmp/int8.onnx"})
public final class QuantizeCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "default", paramLabel = "MODEL",
            description = "'default' (the shipped model) or the path or Hadoop URI of an ONNX file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--model-card", paramLabel = "FILE", description = "Card JSON; default: the card embedded in the model.")
    Path modelCard;

    @Option(names = "--calibration", required = true, paramLabel = "PATH",
            description = "Folder, glob or Hadoop URI of calibration images (photographs like the ones to label).")
    String calibration;

    @Option(names = "--calibration-images", paramLabel = "N",
            description = "Decodable images to calibrate on. Default: ${DEFAULT-VALUE}.")
    int calibrationImages = Quantization.DEFAULT_CALIBRATION_IMAGES;

    @Option(names = "--calibration-method", paramLabel = "M", description = "minmax or percentile. Default: ${DEFAULT-VALUE}.")
    CalibrationMethod method = Quantization.DEFAULT_METHOD;

    @Option(names = "--int8-cache", paramLabel = "DIR", description = Int8CacheOption.DESCRIPTION)
    String int8Cache = Quantization.DEFAULT_CACHE;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The int8 ONNX file to write.")
    Path output;

    private final PrintStream console;

    QuantizeCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        Quantization q;
        try {
            q = new Quantization(Precision.INT8, calibration, calibrationImages, method, int8Cache);
        } catch (IllegalArgumentException e) {
            console.println("quantize: " + e.getMessage());
            return 2;
        }
        Configuration hadoop = new Configuration();
        try {
            ModelBundle fp32 = ModelBundle.resolve(model, modelCard, hadoop);
            if (fp32.precision() == Precision.INT8) throw new IllegalArgumentException("model " + model + " is already int8");
            ModelBundle int8 = Int8Models.prepare(fp32, q, CalibrationFiles.of(calibration, hadoop,
                    ClassifierSettings.DEFAULT_MAX_IMAGE_BYTES), ClassifierSettings.DEFAULTS, console);
            if (output.getParent() != null) Files.createDirectories(output.getParent());
            Files.write(output, int8.bytes());
            console.println("wrote " + output + " (" + int8.bytes().length + " bytes)");
            return 0;
        } catch (java.io.IOException | IllegalArgumentException e) {
            console.println("quantize: " + e.getMessage());
            return JobException.EXIT_MODEL;
        }
    }

    /** Runs the command and returns its exit status (for tests and {@link #main}). */
    public static int execute(PrintStream console, String... args) {
        return CommandLines.execute(new QuantizeCommand(console), console, "quantize: failed", args);
    }

    /** The {@code quantize} command line; exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }
}
