package org.sparkimage.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.ModelCard;

import picocli.CommandLine.Option;

/**
 * The card options of the commands that bring a model from elsewhere ({@code import-pytorch},
 * {@code adopt}), resolved and defaulted in one place: ImageNet's recipe (shorter side to 256/224
 * of the input, centre crop, bilinear, [0, 1] values, ImageNet mean/std) with the user's labels,
 * mean, std, name and licence.
 */
final class ImportedCard {
    @Option(names = "--classes", paramLabel = "<labels.txt|a,b,c>",
            description = "Class names: a file with one per line, or a comma-separated list. Default: class_0 .. class_(n-1).")
    String classes;

    @Option(names = "--mean", split = ",", paramLabel = "R,G,B", defaultValue = "0.485,0.456,0.406",
            description = "Per-channel mean on [0, 1] values. Default: ImageNet's, ${DEFAULT-VALUE}.")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "R,G,B", defaultValue = "0.229,0.224,0.225",
            description = "Per-channel standard deviation. Default: ImageNet's, ${DEFAULT-VALUE}.")
    float[] std;

    @Option(names = "--name", paramLabel = "NAME", description = "Model card name. Default: the file name without extension.")
    String name;

    @Option(names = "--license", defaultValue = "unspecified", paramLabel = "TEXT", description = "Licence of the weights. Default: ${DEFAULT-VALUE}.")
    String license;

    /** Null when the options are usable, else what is wrong with them. */
    String problem() {
        return mean.length != 3 || std.length != 3 ? "--mean and --std take three values each" : null;
    }

    /** The class names from {@code --classes}, or {@code n} numbered ones. */
    List<String> labels(int n) throws IOException {
        if (classes == null) return ModelCard.numberedLabels(n);
        Path file = Path.of(classes);
        List<String> names = Files.isRegularFile(file) ? Files.readAllLines(file) : Arrays.asList(classes.split(",", -1));
        return names.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The card for {@code spec} fed in {@code layout}.
     *
     * @param probabilities whether the model's output is already a softmax
     * @param file          the file the model came from (its name is the default card name)
     * @param source        provenance text for the card
     * @throws IllegalArgumentException when the values make no valid card (e.g. a std of 0)
     */
    ModelCard card(MobileNetV2Spec spec, List<String> labels, ModelCard.Layout layout, boolean probabilities, Path file,
                   String source) {
        String cardName = name != null ? name : file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        ModelCard imagenet = ModelCard.imagenet(cardName, spec.resolution(), labels, source, license);
        ModelCard.Input in = new ModelCard.Input(imagenet.input().name(), layout, spec.resolution(), spec.resolution(),
                ModelCard.ChannelOrder.RGB);
        ModelCard.Preprocess p = imagenet.preprocess();
        ModelCard.Preprocess pre = new ModelCard.Preprocess(p.resize(), p.resizeShorter(), p.interpolation(), p.divisor(),
                mean, std, p.background());
        ModelCard.Output o = imagenet.output();
        ModelCard.Output out = new ModelCard.Output(o.name(), probabilities ? ModelCard.OutputKind.PROBABILITIES : o.kind(),
                o.features(), labels);
        return new ModelCard(cardName, in, pre, out, source, license);
    }
}
