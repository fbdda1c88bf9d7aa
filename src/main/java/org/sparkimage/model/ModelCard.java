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

import org.sparkimage.util.Json;

/**
 * Everything the pipeline must know to feed a model and read its answer, so that no stage
 * hard-codes any of it. Travels as a small JSON document (see {@code docs/model-card.md}); the
 * same JSON is embedded in the metadata of the ONNX files this project writes.
 *
 * <p>Pixel value fed to the model, per channel: {@code (v / divisor - mean[c]) / std[c]} where
 * {@code v} is the 8-bit sample after resizing as {@link #resize} and {@link #interpolation} say.
 *
 * @param name          short identifier, e.g. {@code nsfwjs-mobilenetv2-224}
 * @param inputName     ONNX graph input name
 * @param layout        tensor layout of the input
 * @param width         model input width in pixels
 * @param height        model input height in pixels
 * @param channelOrder  order of colour channels in the tensor
 * @param resize        how the decoded image is brought to width x height
 * @param resizeShorter for {@link Resize#SHORTER_SIDE_CROP}: the shorter side is first resized to
 *                      this, then the centre width x height is cropped; ignored for STRETCH
 * @param interpolation resampling kernel
 * @param divisor       8-bit samples are divided by this (255 maps to [0, 1])
 * @param mean          per-channel mean subtracted after division, in tensor channel order
 * @param std           per-channel standard deviation divided by after the mean
 * @param background    RGB that transparent pixels are composited onto
 * @param outputName    ONNX graph output with the class scores
 * @param outputKind    whether those scores are probabilities or logits (softmax applied then)
 * @param featuresName  ONNX graph output with pooled features (embeddings), or null
 * @param labels        class names, index = class id
 * @param source        where the weights come from (free text)
 * @param license       licence of the weights
 */
public record ModelCard(
        String name,
        String inputName,
        Layout layout,
        int width,
        int height,
        ChannelOrder channelOrder,
        Resize resize,
        int resizeShorter,
        Interpolation interpolation,
        float divisor,
        float[] mean,
        float[] std,
        int[] background,
        String outputName,
        OutputKind outputKind,
        String featuresName,
        List<String> labels,
        String source,
        String license) {

    /** Tensor layout of the model input. */
    public enum Layout { NCHW, NHWC }

    /** Channel order of the model input. */
    public enum ChannelOrder { RGB, BGR }

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
    public enum OutputKind { PROBABILITIES, LOGITS }

    public ModelCard {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(outputName, "outputName");
        Objects.requireNonNull(outputKind, "outputKind");
        labels = List.copyOf(labels);
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("card " + name + ": input size must be positive");
        if (resize == Resize.SHORTER_SIDE_CROP && resizeShorter < Math.min(width, height)) {
            throw new IllegalArgumentException("card " + name + ": resize_shorter " + resizeShorter + " is smaller than the crop");
        }
        if (mean.length != 3 || std.length != 3 || background.length != 3) {
            throw new IllegalArgumentException("card " + name + ": mean, std and background need 3 values");
        }
        // Finite as floats: a JSON number like 1e39 becomes Infinity, which toJson cannot write back.
        if (!(divisor > 0) || !Float.isFinite(divisor)) throw new IllegalArgumentException("card " + name + ": divisor must be finite and > 0");
        for (float s : std) if (!(s > 0) || !Float.isFinite(s)) throw new IllegalArgumentException("card " + name + ": std must be finite and > 0");
        for (float m : mean) if (!Float.isFinite(m)) throw new IllegalArgumentException("card " + name + ": mean must be finite");
        if (labels.isEmpty()) throw new IllegalArgumentException("card " + name + ": labels are missing");
        mean = mean.clone();
        std = std.clone();
        background = background.clone();
    }

    /**
     * The usual ImageNet recipe (torchvision, ONNX model zoo): shorter side to 256/224 of the input
     * size, centre crop, ImageNet mean/std on [0, 1] values, NCHW, logits.
     */
    public static ModelCard imagenet(String name, int resolution, List<String> labels, String source, String license) {
        return new ModelCard(name, "input", Layout.NCHW, resolution, resolution, ChannelOrder.RGB,
                Resize.SHORTER_SIDE_CROP, Math.round(resolution * 256f / 224f), Interpolation.BILINEAR, 255f,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, new int[] {255, 255, 255},
                "logits", OutputKind.LOGITS, "features", labels, source, license);
    }

    /** Placeholder labels {@code class_0 .. class_(n-1)} for models without a labels file. */
    public static List<String> numberedLabels(int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add("class_" + i);
        return l;
    }

    public int numClasses() {
        return labels.size();
    }

    /** Number of floats one image occupies in the input tensor. */
    public int tensorSize() {
        return 3 * width * height;
    }

    /** Input tensor shape for a batch of {@code n}. */
    public long[] inputShape(int n) {
        return layout == Layout.NCHW ? new long[] {n, 3, height, width} : new long[] {n, height, width, 3};
    }

    // ------------------------------------------------------------------ JSON

    /** @throws IllegalArgumentException if {@code json} is not JSON or not a valid model card */
    public static ModelCard fromJson(String json) {
        return fromJson(json, null);
    }

    /**
     * @param baseDir where {@code output.labels_file} (one label per line, class 0 first) is resolved;
     *                null when the card has no file location (then labels must be inline)
     * @throws IllegalArgumentException if {@code json} is not JSON or not a valid model card
     */
    public static ModelCard fromJson(String json, Path baseDir) {
        try {
            return parse(json, baseDir);
        } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
            // A value of the wrong type, an explicit null, or text the JSON parser ran off the end of.
            throw new IllegalArgumentException("not a valid model card: " + e.getMessage(), e);
        }
    }

    private static ModelCard parse(String json, Path baseDir) {
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(json);
        Map<String, Object> in = section(root, "input");
        Map<String, Object> pre = section(root, "preprocess");
        Map<String, Object> out = section(root, "output");
        List<String> labels = new ArrayList<>();
        if (out.containsKey("labels_file") && !out.containsKey("labels")) {
            labels.addAll(labelsFile((String) out.get("labels_file"), baseDir));
        } else {
            for (Object o : (List<?>) require(out, "labels")) labels.add(String.valueOf(o));
        }
        return new ModelCard(
                (String) require(root, "name"),
                (String) in.getOrDefault("name", "input"),
                Layout.valueOf(upper(in.getOrDefault("layout", "NCHW"))),
                intOf(require(in, "width")),
                intOf(require(in, "height")),
                ChannelOrder.valueOf(upper(in.getOrDefault("channels", "RGB"))),
                Resize.valueOf(upper(pre.getOrDefault("resize", "stretch"))),
                intOf(pre.getOrDefault("resize_shorter", 0.0)),
                Interpolation.valueOf(upper(pre.getOrDefault("interpolation", "bilinear"))),
                (float) (double) (Double) pre.getOrDefault("divisor", 255.0),
                floats(pre.getOrDefault("mean", List.of(0.0, 0.0, 0.0))),
                floats(pre.getOrDefault("std", List.of(1.0, 1.0, 1.0))),
                ints(pre.getOrDefault("background", List.of(255.0, 255.0, 255.0))),
                (String) out.getOrDefault("name", "scores"),
                OutputKind.valueOf(upper(out.getOrDefault("kind", "probabilities"))),
                (String) out.get("features"),
                labels,
                (String) root.getOrDefault("source", ""),
                (String) root.getOrDefault("license", ""));
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

    public static ModelCard load(Path file) throws IOException {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
        } catch (RuntimeException e) {
            throw new IOException("model card " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    public static ModelCard load(InputStream in) throws IOException {
        return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", name);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("name", inputName);
        in.put("layout", layout.name());
        in.put("width", width);
        in.put("height", height);
        in.put("channels", channelOrder.name());
        root.put("input", in);
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("resize", lower(resize));
        if (resize == Resize.SHORTER_SIDE_CROP) pre.put("resize_shorter", resizeShorter);
        pre.put("interpolation", lower(interpolation));
        pre.put("divisor", divisor);
        pre.put("mean", mean);
        pre.put("std", std);
        pre.put("background", List.of(background[0], background[1], background[2]));
        root.put("preprocess", pre);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", outputName);
        out.put("kind", lower(outputKind));
        if (featuresName != null) out.put("features", featuresName);
        out.put("labels", labels);
        root.put("output", out);
        root.put("source", source);
        root.put("license", license);
        return Json.writePretty(root);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public int[] background() {
        return background.clone();
    }

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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> root, String key) {
        Object v = require(root, key);
        if (!(v instanceof Map)) throw new IllegalArgumentException("'" + key + "' must be an object");
        return (Map<String, Object>) v;
    }

    private static Object require(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) throw new IllegalArgumentException("missing '" + key + "'");
        return v;
    }

    private static String upper(Object v) {
        return String.valueOf(v).toUpperCase(Locale.ROOT);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static int intOf(Object v) {
        double d = (Double) v;
        if (d != Math.rint(d)) throw new IllegalArgumentException("expected an integer, got " + d);
        return (int) d;
    }

    private static float[] floats(Object v) {
        List<?> l = (List<?>) v;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) (double) (Double) l.get(i);
        return f;
    }

    private static int[] ints(Object v) {
        List<?> l = (List<?>) v;
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = intOf(l.get(i));
        return r;
    }
}
