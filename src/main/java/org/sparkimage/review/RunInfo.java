package org.sparkimage.review;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkimage.util.JsonFiles;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The run metadata the page header shows, from {@code <output>/summary.json} (written by
 * {@link org.sparkimage.output.JobSummary}); fields are null when the file is missing or lacks them.
 */
public record RunInfo(String runId, String model, String modelSha256, String start, String end) {
    /** A run whose summary is missing or unreadable. */
    public static final RunInfo UNKNOWN = new RunInfo(null, null, null, null, null);

    /** Reads {@code summary.json} under {@code output} through its Hadoop FileSystem; UNKNOWN when absent or unreadable. */
    public static RunInfo read(String output, Configuration conf) {
        try {
            Path file = new Path(output, "summary.json");
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) return UNKNOWN;
            try (InputStream in = fs.open(file)) {
                return parse(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    static RunInfo parse(String json) throws IOException {
        JsonNode m = JsonFiles.parse(json);
        if (!m.isObject()) return UNKNOWN;
        return new RunInfo(text(m, "run_id"), text(m, "model"), text(m, "model_sha256"), text(m, "start"), text(m, "end"));
    }

    private static String text(JsonNode m, String key) {
        JsonNode v = m.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
