package org.sparkimage.curate;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import org.apache.spark.sql.Row;
import org.sparkimage.util.HtmlText;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Pre-annotations for Label Studio's image classification template, in the task format of its
 * import documentation ("Import pre-annotated data"): a JSON list of tasks, each
 * <pre>{@code
 * {"data": {"image": "<uri or url>", "path": "<path>"},
 *  "predictions": [{"model_version": "...", "score": 0.93,
 *                   "result": [{"id": "...", "from_name": "choice", "to_name": "image", "type": "choices",
 *                               "value": {"choices": ["<label>"]}}]}]}
 * }</pre>
 * {@code from_name} and {@code to_name} name the {@code <Choices>} and {@code <Image>} tags of the
 * labeling configuration that {@link #labelingConfig} writes; Label Studio sorts tasks by the
 * prediction's {@code score}. Tasks are written one at a time (a streaming JSON generator), so a
 * million rows need no more driver memory than one.
 */
public final class LabelStudioTasks {
    /** The {@code <Choices>} tag's name. */
    public static final String FROM_NAME = "choice";
    /** The {@code <Image>} tag's name, and the task's data key ({@code $image}). */
    public static final String TO_NAME = "image";

    private LabelStudioTasks() {}

    /**
     * Writes the tasks.
     *
     * @param rows         path (string), label (string), score (double), extra data fields after them (strings)
     * @param extraFields  names of the extra fields, copied into {@code data}
     * @param imageUrl     the {@code data.image} of a path: its URI, or a URL below a prefix the user gave
     * @param modelVersion the predictions' {@code model_version}
     * @return tasks written
     */
    public static long write(Iterator<Row> rows, List<String> extraFields, Function<String, String> imageUrl, String modelVersion,
                             OutputStream out) throws IOException {
        long n = 0;
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartArray();
            while (rows.hasNext()) {
                Row r = rows.next();
                n++;
                g.writeStartObject();
                g.writeObjectFieldStart("data");
                g.writeStringField(TO_NAME, imageUrl.apply(r.getString(0)));
                g.writeStringField("path", r.getString(0));
                for (int i = 0; i < extraFields.size(); i++) {
                    if (!r.isNullAt(3 + i)) g.writeStringField(extraFields.get(i), String.valueOf(r.get(3 + i)));
                }
                g.writeEndObject();
                g.writeArrayFieldStart("predictions");
                g.writeStartObject();
                g.writeStringField("model_version", modelVersion);
                g.writeNumberField("score", r.getDouble(2));
                g.writeArrayFieldStart("result");
                g.writeStartObject();
                g.writeStringField("id", "r" + n);
                g.writeStringField("from_name", FROM_NAME);
                g.writeStringField("to_name", TO_NAME);
                g.writeStringField("type", "choices");
                g.writeObjectFieldStart("value");
                g.writeArrayFieldStart("choices");
                g.writeString(r.getString(1));
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return n;
    }

    /** The labeling configuration the tasks fit: an {@code <Image>} and one {@code <Choice>} per class. */
    public static void labelingConfig(List<String> classes, Writer out) throws IOException {
        out.write("<View>\n  <Image name=\"" + TO_NAME + "\" value=\"$" + TO_NAME + "\"/>\n  <Choices name=\"" + FROM_NAME
                + "\" toName=\"" + TO_NAME + "\" choice=\"single\" showInLine=\"true\">\n");
        for (String c : classes) out.write("    <Choice value=\"" + HtmlText.escape(c) + "\"/>\n");
        out.write("  </Choices>\n</View>\n");
        out.flush();
    }

    /**
     * {@code data.image} for a path: below {@code urlPrefix} when the path lies below {@code root}
     * (its relative part appended, as a web server or a Label Studio storage serves the folder),
     * else the path as it is.
     */
    public static Function<String, String> imageUrls(String root, String urlPrefix) {
        if (urlPrefix == null) return p -> p;
        String r = root == null ? "" : root.endsWith("/") ? root : root + "/";
        String u = urlPrefix.endsWith("/") ? urlPrefix : urlPrefix + "/";
        return p -> !r.isEmpty() && p.startsWith(r) ? u + encodePath(p.substring(r.length())) : p;
    }

    /** A relative path as a URL path: characters a URL may not hold (spaces, '#', '?', '%') percent-encoded. */
    private static String encodePath(String relative) {
        try {
            return new java.net.URI(null, null, relative, null).getRawPath().replace("?", "%3F");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("cannot make a URL of " + relative, e);
        }
    }

}
