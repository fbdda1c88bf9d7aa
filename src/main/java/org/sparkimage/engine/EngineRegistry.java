package org.sparkimage.engine;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.sparkimage.model.ModelCard;
import org.sparkimage.util.Sha256;

/**
 * One {@link OrtEngine} per model and card per JVM, created on first use; every task of an
 * executor shares it. The key is the model's sha256 together with the digest of the card's
 * canonical JSON ({@link ModelCard#toJson()}, which is also what {@link ModelCard#equals} compares):
 * an engine reads its outputs (scores, features) through the card it was built with, so the same
 * model bytes used with another card (e.g. one that names a features output) get an engine of
 * their own. Sessions are never closed while the JVM lives (an executor keeps its model for its
 * whole life; the process exit frees them: closing a session that another task may still be
 * running would crash the JVM).
 */
public final class EngineRegistry {
    private record Key(String modelSha256, String cardSha256) {}

    private static final Map<Key, OrtEngine> ENGINES = new ConcurrentHashMap<>();
    private static final Map<Key, AtomicInteger> CREATED = new ConcurrentHashMap<>();

    private EngineRegistry() {}

    /**
     * The engine for {@code sha256} read through {@code card}, creating it from {@code modelBytes}
     * if this JVM has none for that model and card yet. {@code intraOpThreads} applies only to the
     * creation: the CPU budget of an executor is fixed.
     */
    public static OrtEngine get(String sha256, Supplier<byte[]> modelBytes, ModelCard card, int intraOpThreads) {
        return ENGINES.computeIfAbsent(key(sha256, card), k -> {
            try {
                OrtEngine e = new OrtEngine(modelBytes.get(), card, intraOpThreads);
                CREATED.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                return e;
            } catch (ai.onnxruntime.OrtException ex) {
                throw new IllegalStateException("ONNX Runtime cannot load model " + sha256 + ": " + ex.getMessage(), ex);
            }
        });
    }

    /**
     * Sessions created in this JVM for the model {@code sha256} since the JVM started, summed over
     * all the cards it was used with (one per distinct card).
     */
    public static int sessionsCreated(String sha256) {
        int n = 0;
        for (Map.Entry<Key, AtomicInteger> e : CREATED.entrySet()) {
            if (e.getKey().modelSha256().equals(sha256)) n += e.getValue().get();
        }
        return n;
    }

    /** Sessions created in this JVM for the model {@code sha256} read through {@code card} (0 or 1). */
    public static int sessionsCreated(String sha256, ModelCard card) {
        AtomicInteger n = CREATED.get(key(sha256, card));
        return n == null ? 0 : n.get();
    }

    /**
     * Closes and forgets every engine of this JVM, so that the next {@link #get} creates one with its
     * own thread count. Only for a JVM where no task can be running: the benchmark's settings sweep
     * in local mode calls it between two Spark applications (on a cluster each application has
     * executors, and registries, of its own).
     */
    public static synchronized void closeAll() {
        for (OrtEngine e : ENGINES.values()) {
            try {
                e.close();
            } catch (RuntimeException | ai.onnxruntime.OrtException ex) {
                // a session that will not close holds only memory; the next one is created regardless
            }
        }
        ENGINES.clear();
    }

    private static Key key(String sha256, ModelCard card) {
        return new Key(sha256, Sha256.hex(card.toJson().getBytes(StandardCharsets.UTF_8)));
    }
}
