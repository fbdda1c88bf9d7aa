package org.sparkimage.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What this CPU offers for int8 inference, read from the kernel's {@code /proc/cpuinfo} flags
 * (Linux): x86 VNNI ({@code avx512_vnni}, {@code avx_vnni}) or ARM's dot product ({@code asimddp}).
 * Without them ONNX Runtime's u8s8 kernels multiply through 16-bit intermediates that can saturate,
 * and int8 is no faster than fp32 (ONNX Runtime issues #6977, #17389).
 */
public final class CpuFeatures {
    /** Flags that give ONNX Runtime an int8 dot product. */
    static final List<String> INT8_DOT_FLAGS = List.of("avx512_vnni", "avx_vnni", "asimddp");
    private static final Set<String> FLAGS = read(Path.of("/proc/cpuinfo"));

    private CpuFeatures() {}

    /** True when this CPU has one of {@link #INT8_DOT_FLAGS}. */
    public static boolean hasInt8DotProduct() {
        return hasInt8DotProduct(FLAGS);
    }

    static boolean hasInt8DotProduct(Set<String> flags) {
        return INT8_DOT_FLAGS.stream().anyMatch(flags::contains);
    }

    /** The int8-relevant flags found, or why none could be read. */
    public static String describe() {
        if (FLAGS.isEmpty()) return "no /proc/cpuinfo flags readable";
        String found = INT8_DOT_FLAGS.stream().filter(FLAGS::contains).collect(Collectors.joining(", "));
        return found.isEmpty() ? "none of " + INT8_DOT_FLAGS + " in /proc/cpuinfo" : found;
    }

    /** The flags of the first processor listed ({@code flags} on x86, {@code Features} on ARM); empty if unreadable. */
    static Set<String> read(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags") || line.startsWith("Features")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) return Set.copyOf(List.of(line.substring(colon + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: treated as unknown
        }
        return Set.of();
    }
}
