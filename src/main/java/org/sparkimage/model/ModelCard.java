package org.sparkimage.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything the pipeline must know to feed a model and read its answer, so that no stage
 * hard-codes any of it. Travels as a small JSON document with the same three sections as this
 * record (see {@code docs/model-card.md}); the same JSON is embedded in the metadata of the ONNX
 * files this project writes.
 *
 * <p>Pixel value fed to the model, per channel: {@code (v / divisor - mean[c]) / std[c]} where
 * {@code v} is the 8-bit sample after resizing as {@link Preprocess} says.
 *
 * @param name       short identifier, e.g. {@code nsfwjs-mobilenetv2-224}
 * @param input      the graph input: name, layout, size, channel order
 * @param preprocess how a decoded image becomes the input tensor
 * @param output     the graph outputs: scores (and their kind), optional pooled features, labels
 * @param source     where the weights come from (free text)
 * @param license    licence of the weights
 */
public record ModelCard(String name, Input input, Preprocess preprocess, Output output, String source, String license) {

    /** Tensor layout of the model input. */
    public enum Layout {
        /** Batch, channels, height, width (PyTorch, the ONNX model zoo). */
        NCHW,
        /** Batch, height, width, channels (Keras, TF.js). */
        NHWC
    }

    /** Channel order of the model input. */
    public enum ChannelOrder {
        /** Red first. */
        RGB,
        /** Blue first (Caffe, OpenCV-trained models). */
        BGR
    }

    /** How an image of any size becomes width x height. */
    public enum Resize {
        /** Scale each axis independently to the target size (aspect ratio not kept, nothing cut). */
        STRETCH,
        /** Scale so the shorter side is {@code resizeShorter}, keep aspect, then cut the centre. */
        SHORTER_SIDE_CROP
    }

    /** Resampling kernel. */
    public enum Interpolation {
        /** TF {@code resizeBilinear(alignCorners=true)}: corners map onto corners, 4 taps, no antialiasing. */
        BILINEAR_ALIGN_CORNERS,
        /** Half-pixel-centre bilinear, 4 taps (OpenCV INTER_LINEAR, TF half_pixel_centers=true). */
        BILINEAR,
        /** Pixel-area averaging when shrinking (OpenCV INTER_AREA); bilinear when enlarging. */
        AREA
    }

    /** What the score output holds. */
    public enum OutputKind {
        /** Scores already sum to 1 (the graph ends in a softmax). */
        PROBABILITIES,
        /** Raw scores; the product applies a softmax. */
        LOGITS
    }

    /**
     * The graph input.
     *
     * @param name     ONNX graph input name
     * @param layout   tensor layout
     * @param width    input width in pixels
     * @param height   input height in pixels
     * @param channels order of colour channels in the tensor
     */
    public record Input(String name, Layout layout, int width, int height, ChannelOrder channels) {
        /** Checks the values. */
        public Input {
            Objects.requireNonNull(name, "input name");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(channels, "channels");
            if (width <= 0 || height <= 0 || (long) width * height > 1 << 24) {
                throw new IllegalArgumentException("input size must be positive and at most 16 M pixels, got " + width + "x" + height);
            }
        }
    }

    /**
     * How a decoded image becomes the input tensor.
     *
     * @param resize        how the image is brought to the input size
     * @param resizeShorter for {@link Resize#SHORTER_SIDE_CROP}: the shorter side is first resized to
     *                      this, then the centre is cropped; ignored for STRETCH
     * @param interpolation resampling kernel
     * @param divisor       8-bit samples are divided by this (255 maps to [0, 1])
     * @param mean          per-channel mean subtracted after division, in tensor channel order
     * @param std           per-channel standard deviation divided by after the mean
     * @param background    RGB that transparent pixels are composited onto
     */
    public record Preprocess(Resize resize, int resizeShorter, Interpolation interpolation, float divisor, float[] mean,
                             float[] std, int[] background) {
        /** Checks and copies the values. */
        public Preprocess {
            Objects.requireNonNull(resize, "resize");
            Objects.requireNonNull(interpolation, "interpolation");
            if (mean.length != 3 || std.length != 3 || background.length != 3) {
                throw new IllegalArgumentException("mean, std and background need 3 values");
            }
            if (!(divisor > 0) || Float.isInfinite(divisor)) throw new IllegalArgumentException("divisor must be > 0");
            for (float s : std) if (!(s > 0) || Float.isInfinite(s)) throw new IllegalArgumentException("std must be > 0");
            for (float m : mean) if (!Float.isFinite(m)) throw new IllegalArgumentException("mean must be finite");
            for (int b : background) if (b < 0 || b > 255) throw new IllegalArgumentException("background must be in 0..255");
            mean = mean.clone();
            std = std.clone();
            background = background.clone();
        }

        /** Per-channel mean (a copy). */
        @Override
        public float[] mean() {
            return mean.clone();
        }

        /** Per-channel standard deviation (a copy). */
        @Override
        public float[] std() {
            return std.clone();
        }

        /** RGB of the background for transparent pixels (a copy). */
        @Override
        public int[] background() {
            return background.clone();
        }
    }

    /**
     * The graph outputs.
     *
     * @param name     ONNX graph output with the class scores
     * @param kind     whether those scores are probabilities or logits (softmax applied then)
     * @param features ONNX graph output with pooled features (embeddings), or null
     * @param labels   class names, index = class id
     */
    public record Output(String name, OutputKind kind, String features, List<String> labels) {
        /** Checks and copies the values. */
        public Output {
            Objects.requireNonNull(name, "output name");
            Objects.requireNonNull(kind, "output kind");
            labels = List.copyOf(labels);
            if (labels.isEmpty()) throw new IllegalArgumentException("labels are missing");
        }
    }

    /** Checks what the sections cannot check alone. */
    public ModelCard {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(preprocess, "preprocess");
        Objects.requireNonNull(output, "output");
        source = source == null ? "" : source;
        license = license == null ? "" : license;
        if (preprocess.resize() == Resize.SHORTER_SIDE_CROP
                && preprocess.resizeShorter() < Math.min(input.width(), input.height())) {
            throw new IllegalArgumentException("card " + name + ": resize_shorter " + preprocess.resizeShorter()
                    + " is smaller than the crop");
        }
    }

    /**
     * The usual ImageNet recipe (torchvision, ONNX model zoo): shorter side to 256/224 of the input
     * size, centre crop, ImageNet mean/std on [0, 1] values, NCHW, logits.
     */
    public static ModelCard imagenet(String name, int resolution, List<String> labels, String source, String license) {
        return new ModelCard(name, new Input("input", Layout.NCHW, resolution, resolution, ChannelOrder.RGB),
                new Preprocess(Resize.SHORTER_SIDE_CROP, Math.round(resolution * 256f / 224f), Interpolation.BILINEAR, 255f,
                        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, new int[] {255, 255, 255}),
                new Output("logits", OutputKind.LOGITS, "features", labels), source, license);
    }

    /** Placeholder labels {@code class_0 .. class_(n-1)} for models without a labels file. */
    public static List<String> numberedLabels(int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add("class_" + i);
        return l;
    }

    /** A copy with other outputs (another features output, other labels). */
    public ModelCard withOutput(Output o) {
        return new ModelCard(name, input, preprocess, o, source, license);
    }

    /** A copy with another name, source and licence. */
    public ModelCard withProvenance(String newName, String newSource, String newLicense) {
        return new ModelCard(newName, input, preprocess, output, newSource, newLicense);
    }

    /** Number of classes (labels). */
    public int numClasses() {
        return output.labels().size();
    }

    /** The class names, index = class id. */
    public List<String> labels() {
        return output.labels();
    }

    /** Number of floats one image occupies in the input tensor. */
    public int tensorSize() {
        return 3 * input.width() * input.height();
    }

    /** Input tensor shape for a batch of {@code n}. */
    public long[] inputShape(int n) {
        return input.layout() == Layout.NCHW ? new long[] {n, 3, input.height(), input.width()}
                : new long[] {n, input.height(), input.width(), 3};
    }

    // ------------------------------------------------------------------ JSON

    /**
     * Reads a card whose labels are inline.
     *
     * @throws IllegalArgumentException when the text is not a valid card
     */
    public static ModelCard fromJson(String json) {
        return fromJson(json, null);
    }

    /**
     * Reads a card.
     *
     * @param baseDir where {@code output.labels_file} (one label per line, class 0 first) is resolved;
     *                null when the card has no file location (then labels must be inline)
     * @throws IllegalArgumentException when the text is not a valid card
     */
    public static ModelCard fromJson(String json, Path baseDir) {
        JsonNode root;
        try {
            root = JsonFiles.parse(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode in = section(root, "input");
        JsonNode pre = section(root, "preprocess");
        JsonNode out = section(root, "output");
        try {
            return new ModelCard(text(root, "name", null),
                    new Input(text(in, "name", "input"), enumOf(Layout.class, in, "layout", "NCHW"), intOf(in, "width", null),
                            intOf(in, "height", null), enumOf(ChannelOrder.class, in, "channels", "RGB")),
                    new Preprocess(enumOf(Resize.class, pre, "resize", "stretch"), intOf(pre, "resize_shorter", 0),
                            enumOf(Interpolation.class, pre, "interpolation", "bilinear"), (float) number(pre, "divisor", 255.0),
                            floats(pre, "mean", 0f), floats(pre, "std", 1f), ints(pre, "background", 255)),
                    new Output(text(out, "name", "scores"), enumOf(OutputKind.class, out, "kind", "probabilities"),
                            out.hasNonNull("features") ? text(out, "features", null) : null, labels(out, baseDir)),
                    text(root, "source", ""), text(root, "license", ""));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Reads a card file; {@code labels_file} is resolved next to it.
     *
     * @throws IOException when the file cannot be read or is not a valid card
     */
    public static ModelCard load(Path file) throws IOException {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
        } catch (RuntimeException e) {
            throw new IOException("model card " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a card with inline labels from a stream.
     *
     * @throws IOException when the stream cannot be read
     * @throws IllegalArgumentException when it is not a valid card
     */
    public static ModelCard load(InputStream in) throws IOException {
        return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The card as JSON, in {@link JsonFiles}' layout; {@link #fromJson} reads it back to an equal card. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", name);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("name", input.name());
        in.put("layout", input.layout().name());
        in.put("width", input.width());
        in.put("height", input.height());
        in.put("channels", input.channels().name());
        root.put("input", in);
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("resize", lower(preprocess.resize()));
        if (preprocess.resize() == Resize.SHORTER_SIDE_CROP) pre.put("resize_shorter", preprocess.resizeShorter());
        pre.put("interpolation", lower(preprocess.interpolation()));
        pre.put("divisor", preprocess.divisor());
        pre.put("mean", preprocess.mean());
        pre.put("std", preprocess.std());
        pre.put("background", preprocess.background());
        root.put("preprocess", pre);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", output.name());
        out.put("kind", lower(output.kind()));
        if (output.features() != null) out.put("features", output.features());
        out.put("labels", output.labels());
        root.put("output", out);
        root.put("source", source);
        root.put("license", license);
        return JsonFiles.writePretty(root);
    }

    /** Cards are equal when their JSON is (the arrays inside compare by value). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelCard c && toJson().equals(c.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "ModelCard" + toJson();
    }

    private static List<String> labels(JsonNode out, Path baseDir) {
        if (out.has("labels_file") && !out.has("labels")) return labelsFile(text(out, "labels_file", null), baseDir);
        JsonNode l = out.get("labels");
        if (l == null || !l.isArray()) throw new IllegalArgumentException("'labels' must be an array");
        List<String> labels = new ArrayList<>(l.size());
        l.forEach(v -> labels.add(v.isTextual() ? v.textValue() : v.toString()));
        return labels;
    }

    private static List<String> labelsFile(String name, Path baseDir) {
        if (baseDir == null && !Path.of(name).isAbsolute()) {
            throw new IllegalArgumentException("labels_file '" + name + "' is relative, but the card has no file location");
        }
        Path file = baseDir == null ? Path.of(name) : baseDir.resolve(name);
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read labels_file " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode section(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || !v.isObject()) throw new IllegalArgumentException("'" + key + "' must be an object");
        return v;
    }

    /** A string field; {@code fallback} when absent (null fallback: required). */
    private static String text(JsonNode node, String key, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new IllegalArgumentException("missing '" + key + "'");
            return fallback;
        }
        if (!v.isTextual()) throw new IllegalArgumentException("'" + key + "' must be a string");
        return v.textValue();
    }

    private static double number(JsonNode node, String key, Double fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new IllegalArgumentException("missing '" + key + "'");
            return fallback;
        }
        if (!v.isNumber()) throw new IllegalArgumentException("'" + key + "' must be a number");
        return v.doubleValue();
    }

    private static int intOf(JsonNode node, String key, Integer fallback) {
        double d = number(node, key, fallback == null ? null : fallback.doubleValue());
        return exactInt(key, d);
    }

    private static int exactInt(String key, double d) {
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new IllegalArgumentException("'" + key + "': expected an integer, got " + d);
        return (int) d;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, JsonNode node, String key, String fallback) {
        String v = text(node, key, fallback);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + key + "' cannot be '" + v + "'");
        }
    }

    /** Three numbers; absent: three times {@code fallback}. */
    private static float[] floats(JsonNode node, String key, float fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return new float[] {fallback, fallback, fallback};
        if (!v.isArray() || v.size() != 3) throw new IllegalArgumentException("'" + key + "' needs 3 values");
        float[] f = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber()) throw new IllegalArgumentException("'" + key + "' needs 3 numbers");
            f[i] = (float) v.get(i).doubleValue();
        }
        return f;
    }

    private static int[] ints(JsonNode node, String key, int fallback) {
        float[] f = floats(node, key, fallback);
        return new int[] {exactInt(key, f[0]), exactInt(key, f[1]), exactInt(key, f[2])};
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
