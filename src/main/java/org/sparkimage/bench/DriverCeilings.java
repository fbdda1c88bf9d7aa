package org.sparkimage.bench;

import java.util.List;

import org.sparkimage.engine.EngineRegistry;
import org.sparkimage.engine.OrtEngine;

/**
 * C and D measured in this JVM with {@code cores} threads: right for {@code local[*]}, where this
 * JVM is the executor, and the only choice before issue 25.
 */
final class DriverCeilings implements CeilingSite {
    /**
     * Measures in this JVM.
     *
     * @param cores      threads of each figure (the local master's cores)
     * @param model      how the corpus is decoded and preprocessed
     * @param batch      images per inference call
     * @param minSeconds shortest measuring time of each figure
     */
    static Factory factory(int cores, DecodePath model, int batch, double minSeconds) {
        return new Factory() {
            @Override
            public String name() {
                return DRIVER;
            }

            @Override
            public CeilingSite open(CorpusScan scan, List<byte[]> decodeSample, List<byte[]> imageioSample) {
                return new DriverCeilings(cores, model, batch, minSeconds, scan, decodeSample, imageioSample);
            }
        };
    }

    private final int cores;
    private final DecodePath path;
    private final int batch;
    private final double minSeconds;
    private final CorpusScan scan;
    private final List<byte[]> decodeSample;
    private final List<byte[]> imageioSample;

    private DriverCeilings(int cores, DecodePath path, int batch, double minSeconds, CorpusScan scan, List<byte[]> decodeSample,
                           List<byte[]> imageioSample) {
        this.cores = cores;
        this.path = path;
        this.batch = batch;
        this.minSeconds = minSeconds;
        this.scan = scan;
        this.decodeSample = decodeSample;
        this.imageioSample = imageioSample;
    }

    @Override
    public Figure inference(CorpusBench.Variant v) throws Exception {
        // The job's settings: one session per JVM (the registry's), one intra-op thread per task, a caller per core.
        OrtEngine shared = EngineRegistry.get(v.model().sha256(), v.model()::bytes, v.model().card(), 1);
        return Figure.of(Ceilings.inference(shared, scan.tensors(), batch, cores, minSeconds));
    }

    @Override
    public Figure inferenceOneSession(CorpusBench.Variant v) throws Exception {
        try (OrtEngine wide = new OrtEngine(v.model().bytes(), v.model().card(), cores)) {
            return Figure.of(Ceilings.inference(wide, scan.tensors(), batch, 1, minSeconds));
        }
    }

    @Override
    public Figure decode() throws Exception {
        return Figure.of(Ceilings.decode(path.decoder(), path.hint(), path.pre(), decodeSample, cores, minSeconds));
    }

    @Override
    public Figure decodeImageio() throws Exception {
        DecodePath io = path.imageio();
        return Figure.of(Ceilings.decode(io.decoder(), io.hint(), io.pre(), imageioSample, cores, minSeconds));
    }

    @Override
    public void close() {
        // nothing held beyond the corpus's scan, which the caller owns
    }
}
