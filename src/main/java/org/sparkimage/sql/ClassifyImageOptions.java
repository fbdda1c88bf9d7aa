package org.sparkimage.sql;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.sparkimage.core.ClassifierSettings;
import org.sparkimage.core.Quantization;
import org.sparkimage.image.DecodeMode;
import org.sparkimage.model.quant.Precision;

/**
 * The options of {@code classify_image(content, options)}: the CLI's per-image options under the
 * same names (without {@code --}; {@code top_k} and {@code top-k} are the same key), each defaulted
 * by {@link ClassifierSettings}, the one place that defines them. Resolved once, when the query is
 * analysed, so a misspelt key or a bad value fails the query before any image is read.
 *
 * <p>Keys: {@code model} ({@code default}, or a path or Hadoop URI of an ONNX file readable by the
 * executors), {@code model_card} (a card JSON file present at that path on every executor),
 * {@code top_k}, {@code max_file_mb}, {@code max_megapixels}, {@code decode_timeout_seconds},
 * {@code decode}, {@code precision} (only {@code fp32}: int8 is calibrated on the driver by the job
 * and the transformer; a model already quantized can be passed as {@code model}).
 *
 * @param model     {@code default} or the model's path
 * @param modelCard a card file, or null for the card embedded in the model
 * @param settings  the per-image settings (batch size and embeddings do not apply to a per-row function)
 */
public record ClassifyImageOptions(String model, String modelCard, ClassifierSettings settings) implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final java.util.Set<String> KNOWN = java.util.Set.of("model", "model_card", "top_k", "max_file_mb",
            "max_megapixels", "decode_timeout_seconds", "decode", "precision");

    /** Every option at its default: the shipped model and the {@link ClassifierSettings} defaults. */
    public static final ClassifyImageOptions DEFAULTS = of(Map.of());

    /**
     * Options from a map of key to value (a SQL {@code map('top_k','3')}).
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming it
     */
    public static ClassifyImageOptions of(Map<String, String> raw) {
        Map<String, String> o = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) o.put(normalise(e.getKey()), e.getValue());
        for (String key : o.keySet()) {
            if (!KNOWN.contains(key)) throw new IllegalArgumentException("classify_image: unknown option '" + key + "'; known: " + KNOWN);
        }
        String precision = o.getOrDefault("precision", Quantization.DEFAULT_PRECISION.toString());
        if (Precision.parse(precision) != Precision.FP32) {
            throw new IllegalArgumentException("classify_image: precision " + precision + " is not available per row (int8 is"
                    + " calibrated on the driver); quantize once with the 'quantize' command and pass the model file as 'model'");
        }
        long maxFileMb = number(o, "max_file_mb", ClassifierSettings.DEFAULT_MAX_IMAGE_MB);
        if (maxFileMb < 1 || maxFileMb > (Long.MAX_VALUE >> 20)) throw new IllegalArgumentException("classify_image: max_file_mb must be positive");
        ClassifierSettings s = new ClassifierSettings(1, (int) number(o, "top_k", ClassifierSettings.DEFAULT_TOP_K), maxFileMb << 20,
                ClassifierSettings.decodeLimits(decimal(o, "max_megapixels", ClassifierSettings.DEFAULT_MAX_MEGAPIXELS),
                        decimal(o, "decode_timeout_seconds", ClassifierSettings.DEFAULT_DECODE_TIMEOUT_SECONDS)),
                o.containsKey("decode") ? DecodeMode.parse(o.get("decode")) : ClassifierSettings.DEFAULT_DECODE_MODE,
                false, Quantization.DEFAULT);
        String card = o.get("model_card");
        return new ClassifyImageOptions(o.getOrDefault("model", "default"), card == null || card.isBlank() ? null : card, s);
    }

    /**
     * Options from a string of {@code key=value} pairs separated by commas
     * ({@code 'top_k=3,decode=scaled'}); blank is every default.
     */
    public static ClassifyImageOptions parse(String text) {
        Map<String, String> o = new LinkedHashMap<>();
        if (text != null) {
            for (String pair : text.split(",")) {
                if (pair.isBlank()) continue;
                int eq = pair.indexOf('=');
                if (eq < 1) throw new IllegalArgumentException("classify_image: option '" + pair.trim() + "' is not key=value");
                o.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return of(o);
    }

    /** The card file as a path, or null. */
    public Path modelCardPath() {
        return modelCard == null ? null : Path.of(modelCard);
    }

    private static String normalise(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (k.startsWith("--")) k = k.substring(2);
        return k.replace('-', '_');
    }

    private static long number(Map<String, String> o, String key, long dflt) {
        String v = o.get(key);
        try {
            return v == null ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("classify_image: " + key + " must be a whole number, got '" + v + "'");
        }
    }

    private static double decimal(Map<String, String> o, String key, double dflt) {
        String v = o.get(key);
        try {
            return v == null ? dflt : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("classify_image: " + key + " must be a number, got '" + v + "'");
        }
    }
}
