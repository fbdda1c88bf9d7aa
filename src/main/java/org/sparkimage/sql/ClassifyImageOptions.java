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
    /** The keys only the batched table function takes: a per-row call has no batch and no embedding column. */
    private static final java.util.Set<String> BATCHED = java.util.Set.of("batch_size", "embeddings");

    /** Every option at its default: the shipped model and the {@link ClassifierSettings} defaults. */
    public static final ClassifyImageOptions DEFAULTS = of(Map.of());

    /**
     * Options of the per-row {@code classify_image} from a map of key to value (a SQL
     * {@code map('top_k','3')}); the batch size is 1.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming it
     */
    public static ClassifyImageOptions of(Map<String, String> raw) {
        return of(raw, ClassifyImageFunction.NAME, false);
    }

    /**
     * Options of the batched {@code classify_images} table function: the per-row keys plus
     * {@code batch_size} (default {@link ClassifierSettings#DEFAULT_BATCH_SIZE}) and
     * {@code embeddings} ({@code true}/{@code false}).
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming it
     */
    public static ClassifyImageOptions ofBatched(Map<String, String> raw) {
        return of(raw, ClassifyImagesTableFunction.NAME, true);
    }

    private static ClassifyImageOptions of(Map<String, String> raw, String function, boolean batched) {
        Map<String, String> o = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) o.put(normalise(e.getKey()), e.getValue());
        for (String key : o.keySet()) {
            if (BATCHED.contains(key) && !batched) {
                throw new IllegalArgumentException(function + ": option '" + key + "' needs a batch; the table function "
                        + ClassifyImagesTableFunction.NAME + " takes it");
            }
            if (!KNOWN.contains(key) && !BATCHED.contains(key)) {
                throw new IllegalArgumentException(function + ": unknown option '" + key + "'; known: " + KNOWN
                        + (batched ? " and " + BATCHED : ""));
            }
        }
        String precision = o.getOrDefault("precision", Quantization.DEFAULT_PRECISION.toString());
        if (Precision.parse(precision) != Precision.FP32) {
            throw new IllegalArgumentException(function + ": precision " + precision + " is not available from SQL (int8 is"
                    + " calibrated on the driver); quantize once with the 'quantize' command and pass the model file as 'model'");
        }
        long maxFileMb = number(o, function, "max_file_mb", ClassifierSettings.DEFAULT_MAX_IMAGE_MB);
        if (maxFileMb < 1 || maxFileMb > (Long.MAX_VALUE >> 20)) throw new IllegalArgumentException(function + ": max_file_mb must be positive");
        int batchSize = batched ? (int) number(o, function, "batch_size", ClassifierSettings.DEFAULT_BATCH_SIZE) : 1;
        ClassifierSettings s = new ClassifierSettings(batchSize, (int) number(o, function, "top_k", ClassifierSettings.DEFAULT_TOP_K),
                maxFileMb << 20,
                ClassifierSettings.decodeLimits(decimal(o, function, "max_megapixels", ClassifierSettings.DEFAULT_MAX_MEGAPIXELS),
                        decimal(o, function, "decode_timeout_seconds", ClassifierSettings.DEFAULT_DECODE_TIMEOUT_SECONDS)),
                o.containsKey("decode") ? DecodeMode.parse(o.get("decode")) : ClassifierSettings.DEFAULT_DECODE_MODE,
                bool(o, function, "embeddings"), Quantization.DEFAULT);
        String card = o.get("model_card");
        return new ClassifyImageOptions(o.getOrDefault("model", "default"), card == null || card.isBlank() ? null : card, s);
    }

    /**
     * The {@code key=value} pairs of an options string, separated by commas
     * ({@code 'top_k=3,decode=scaled'}); blank is no pairs.
     *
     * @throws IllegalArgumentException for a pair without {@code =}, naming {@code function}
     */
    public static Map<String, String> pairs(String text, String function) {
        Map<String, String> o = new LinkedHashMap<>();
        if (text != null) {
            for (String pair : text.split(",")) {
                if (pair.isBlank()) continue;
                int eq = pair.indexOf('=');
                if (eq < 1) throw new IllegalArgumentException(function + ": option '" + pair.trim() + "' is not key=value");
                o.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return o;
    }

    /** Per-row options from a {@code key=value,...} string ({@link #pairs}); blank is every default. */
    public static ClassifyImageOptions parse(String text) {
        return of(pairs(text, ClassifyImageFunction.NAME));
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

    private static long number(Map<String, String> o, String function, String key, long dflt) {
        String v = o.get(key);
        try {
            return v == null ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(function + ": " + key + " must be a whole number, got '" + v + "'");
        }
    }

    private static double decimal(Map<String, String> o, String function, String key, double dflt) {
        String v = o.get(key);
        try {
            return v == null ? dflt : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(function + ": " + key + " must be a number, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> o, String function, String key) {
        String v = o.get(key);
        if (v == null) return false;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(function + ": " + key + " must be true or false, got '" + v + "'");
        };
    }
}
