package org.sparkimage.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.sparkimage.image.DecodedImage;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;

/**
 * What the ceilings need from a corpus, read in one streaming pass so that memory does not grow
 * with the corpus: every file is read and decoded once, one at a time, for the average size; the
 * first {@code batch} decodable images are kept only as preprocessed tensors (C's input, a fixed
 * size whatever the photographs' resolution); and the encoded bytes of files spread evenly over the
 * corpus are kept up to a byte budget, for D to decode over and over.
 *
 * @param files        the corpus's files, sorted by path
 * @param megapixels   mean megapixels of the decodable files
 * @param tensors      {@code batch} preprocessed input tensors (decodable images, repeated when fewer)
 * @param decodeSample encoded files for D, at most the byte budget (at least one file)
 */
record CorpusScan(List<Path> files, double megapixels, FloatBuffer tensors, List<byte[]> decodeSample) {

    /** The budget of D's sample when none is given: an eighth of the heap, at most 256 MiB. */
    static long defaultSampleBytes() {
        return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * Scans {@code corpus}.
     *
     * @throws IOException when the corpus holds no files or one cannot be read
     */
    static CorpusScan of(Path corpus, GuardedImageDecoder decoder, ScaleHint hint, Preprocessor pre, int batch,
                         long sampleBytes) throws IOException {
        List<Path> files = list(corpus);
        java.util.Set<Integer> sampled = new java.util.HashSet<>(evenlySpread(files, sampleBytes));
        FloatBuffer tensors = ByteBuffer.allocateDirect(batch * pre.card().tensorSize() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        List<byte[]> sample = new ArrayList<>();
        int ready = 0;
        double megapixels = 0;
        int decodable = 0;
        for (int i = 0; i < files.size(); i++) {
            byte[] bytes = Files.readAllBytes(files.get(i));
            if (sampled.contains(i)) sample.add(bytes);
            try {
                DecodedImage img = decoder.decode(bytes, hint);
                megapixels += img.width() * (double) img.height() / 1e6;
                decodable++;
                if (ready < batch) pre.write(img, tensors, ready++);
            } catch (ImageDecodeException e) {
                // counted by the job as an error row; the ceilings use the decodable images
            }
        }
        if (ready == 0) throw new IOException("corpus " + corpus + " holds no decodable image");
        for (int i = ready; i < batch; i++) copyTensor(tensors, i % ready, i, pre.card().tensorSize());
        return new CorpusScan(files, decodable == 0 ? 0 : megapixels / decodable, tensors, sample);
    }

    /** The corpus's regular files not starting with {@code .}, sorted by path. */
    static List<Path> list(Path corpus) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(corpus)) {
            paths = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (paths.isEmpty()) throw new IOException("corpus " + corpus + " holds no files");
        return paths;
    }

    /** Indexes of files at an even stride over the corpus whose bytes fit {@code budget} (always the first). */
    private static List<Integer> evenlySpread(List<Path> files, long budget) throws IOException {
        long[] sizes = new long[files.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) total += sizes[i] = Files.size(files.get(i));
        int stride = (int) Math.max(1, Math.min(files.size(), (total + budget - 1) / Math.max(1, budget)));
        List<Integer> picked = new ArrayList<>();
        long used = 0;
        for (int i = 0; i < files.size(); i += stride) {
            long size = sizes[i];
            if (!picked.isEmpty() && used + size > budget) break;
            picked.add(i);
            used += size;
        }
        return picked;
    }

    private static void copyTensor(FloatBuffer tensors, int from, int to, int size) {
        for (int k = 0; k < size; k++) tensors.put(to * size + k, tensors.get(from * size + k));
    }
}
