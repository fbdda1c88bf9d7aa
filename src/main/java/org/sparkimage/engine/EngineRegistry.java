package org.sparkimage.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.sparkimage.model.ModelCard;

/**
 * One {@link OrtEngine} per model per JVM, keyed by the model's sha256 and created on first use;
 * every task of an executor shares it. Sessions are never closed while the JVM lives (an executor
 * keeps its model for its whole life; the process exit frees them: closing a session that another
 * task may still be running would crash the JVM).
 */
public final class EngineRegistry {
    private static final Map<String, OrtEngine> ENGINES = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> CREATED = new ConcurrentHashMap<>();

    private EngineRegistry() {}

    /**
     * The engine for {@code sha256}, creating it from {@code modelBytes} if this JVM has none yet.
     * {@code intraOpThreads} applies only to the creation: the CPU budget of an executor is fixed.
     */
    public static OrtEngine get(String sha256, Supplier<byte[]> modelBytes, ModelCard card, int intraOpThreads) {
        return ENGINES.computeIfAbsent(sha256, k -> {
            try {
                OrtEngine e = new OrtEngine(modelBytes.get(), card, intraOpThreads);
                CREATED.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                return e;
            } catch (ai.onnxruntime.OrtException ex) {
                throw new IllegalStateException("ONNX Runtime cannot load model " + k + ": " + ex.getMessage(), ex);
            }
        });
    }

    /** Sessions created in this JVM for the model {@code sha256} since the JVM started. */
    public static int sessionsCreated(String sha256) {
        AtomicInteger n = CREATED.get(sha256);
        return n == null ? 0 : n.get();
    }
}
