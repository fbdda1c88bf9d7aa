package org.sparkimage.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sparkimage.util.CommandLines;

/**
 * {@code scripts/memory.sh} measures in a real forked JVM with a real ONNX Runtime session: one row
 * per batch size, a session of some MiB, and an arena that grows with the batch. (The figures
 * themselves are docs/cluster.md's, from the full command; here only their shape is checked.)
 */
class OffHeapMemoryTest {
    @Test
    void measuresTheSessionAndAnArenaThatGrowsWithTheBatch() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int exit = CommandLines.execute(new OffHeapMemory(console), console, "memory: failed",
                "--precisions", "fp32", "--threads", "1", "--batch-sizes", "1,8");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        List<String[]> rows = out.lines().filter(l -> l.matches("fp32\\s+\\d.*")).map(l -> l.trim().split("\\s+")).toList();
        assertEquals(2, rows.size(), out);
        // columns: precision threads batch rss_before session activations per_image total rule
        double session = Double.parseDouble(rows.get(0)[4]);
        double at1 = Double.parseDouble(rows.get(0)[5]);
        double at8 = Double.parseDouble(rows.get(1)[5]);
        assertTrue(session > 5, "a session of the 10 MB model takes some MiB: " + out);
        assertTrue(at1 > 0 && at8 > 2 * at1, "activations grow with the batch: " + out);
    }
}
