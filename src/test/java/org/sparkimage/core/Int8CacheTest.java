package org.sparkimage.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.engine.Int8Agreement;
import org.sparkimage.model.quant.CalibrationMethod;
import org.sparkimage.model.quant.Precision;
import org.sparkimage.testing.ReferenceData;

/**
 * The int8 cache: its key, its entries on disk, and the int8 step reusing them (real calibration of
 * the shipped default model on 8 shipped photographs).
 */
class Int8CacheTest {
    private static final int IMAGES = Quantization.MIN_CALIBRATION_IMAGES;
    private static ModelBundle fp32;
    private static List<byte[]> photos;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        fp32 = ModelBundle.resolve("default", null);
        photos = Int8Agreement.read(ReferenceData.nsfwDir().resolve("images"));
        assertTrue(photos.size() > IMAGES + 1, "enough photographs to pick two samples");
    }

    private record Step(Int8Models.Prepared prepared, String console) {
        byte[] model() {
            return prepared.model().bytes();
        }

        String cache() {
            return prepared.calibration().cache();
        }
    }

    private Step quantize(List<byte[]> images, CalibrationMethod method, String cache) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Quantization q = new Quantization(Precision.INT8, null, IMAGES, method, cache);
        Int8Models.Prepared p = Int8Models.quantize(fp32, q, images, ClassifierSettings.DEFAULTS,
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        return new Step(p, buf.toString(StandardCharsets.UTF_8));
    }

    private List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".onnx")).toList();
        }
    }

    @Test
    void theSecondRunReusesTheFirstRunsModel() throws Exception {
        Path dir = tmp.resolve("cache");
        Step first = quantize(photos, CalibrationMethod.PERCENTILE, dir.toString());
        assertEquals("miss", first.cache());
        assertTrue(first.console().contains("stored in " + dir), first.console());
        assertEquals(1, entries(dir).size());

        Step second = quantize(photos, CalibrationMethod.PERCENTILE, dir.toString());
        assertEquals("hit", second.cache());
        assertArrayEquals(first.model(), second.model());
        assertEquals(IMAGES, second.prepared().calibration().images());
        assertTrue(second.console().contains("int8: calibrated on " + IMAGES + " image(s) (percentile, 0 skipped), reused from " + dir),
                second.console());
    }

    @Test
    void anotherMethodOrOtherImagesMiss() throws Exception {
        Path dir = tmp.resolve("cache");
        Step first = quantize(photos, CalibrationMethod.PERCENTILE, dir.toString());
        Step minmax = quantize(photos, CalibrationMethod.MINMAX, dir.toString());
        assertEquals("miss", minmax.cache());
        assertFalse(java.util.Arrays.equals(first.model(), minmax.model()));
        Step others = quantize(photos.subList(1, photos.size()), CalibrationMethod.PERCENTILE, dir.toString());
        assertEquals("miss", others.cache());
        assertEquals(3, entries(dir).size());
    }

    @Test
    void eachPartOfTheKeyNamesAnotherEntry() {
        Int8Cache cache = new Int8Cache(tmp.resolve("cache"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Int8Cache.Key key = new Int8Cache.Key("a".repeat(64), "b".repeat(64), CalibrationMethod.PERCENTILE, 256, 100);
        cache.put(key, new Int8Cache.Entry(new byte[] {1, 2, 3}, 256, 0, "b".repeat(64)), quiet);
        assertArrayEquals(new byte[] {1, 2, 3}, cache.get(key, quiet).orElseThrow().model());
        List<Int8Cache.Key> others = List.of(
                new Int8Cache.Key("c".repeat(64), "b".repeat(64), CalibrationMethod.PERCENTILE, 256, 100), // another model
                new Int8Cache.Key("a".repeat(64), "c".repeat(64), CalibrationMethod.PERCENTILE, 256, 100), // other images
                new Int8Cache.Key("a".repeat(64), "b".repeat(64), CalibrationMethod.MINMAX, 256, 100),
                new Int8Cache.Key("a".repeat(64), "b".repeat(64), CalibrationMethod.PERCENTILE, 128, 100),
                new Int8Cache.Key("a".repeat(64), "b".repeat(64), CalibrationMethod.PERCENTILE, 256, 99));
        for (Int8Cache.Key other : others) assertEquals(Optional.empty(), cache.get(other, quiet), other.toString());
    }

    @Test
    void aDamagedEntryIsReportedAndRebuilt() throws Exception {
        Path dir = tmp.resolve("cache");
        Step first = quantize(photos, CalibrationMethod.PERCENTILE, dir.toString());
        Path model = entries(dir).get(0);
        byte[] bad = Files.readAllBytes(model);
        bad[bad.length / 2] ^= 0x5A;
        Files.write(model, bad);

        Step rebuilt = quantize(photos, CalibrationMethod.PERCENTILE, dir.toString());
        assertEquals("miss", rebuilt.cache());
        assertTrue(rebuilt.console().contains("warning: int8 cache entry " + model + " is damaged"), rebuilt.console());
        assertArrayEquals(first.model(), rebuilt.model());
        assertArrayEquals(first.model(), Files.readAllBytes(model), "the entry is sound again");
        assertEquals("hit", quantize(photos, CalibrationMethod.PERCENTILE, dir.toString()).cache());

        Files.delete(model); // JSON without its model: damaged too
        Step again = quantize(photos, CalibrationMethod.PERCENTILE, dir.toString());
        assertEquals("miss", again.cache());
        assertTrue(again.console().contains("its model file is missing"), again.console());
    }

    @Test
    void noneTurnsTheCacheOff() {
        assertEquals(Optional.empty(), Int8Cache.resolve("none"));
        assertEquals(Optional.empty(), Int8Cache.resolve(" NONE "));
        Step off = quantize(photos, CalibrationMethod.PERCENTILE, Int8Cache.NONE);
        assertEquals("off", off.cache());
        assertFalse(off.console().contains("cache"), off.console());
    }

    @Test
    void theDefaultFolderIsTheUsersCacheFolder() {
        assertEquals(Path.of("/xdg/spark-image-classifier/int8"),
                Int8Cache.resolve(null, "/xdg", "/home/u").orElseThrow().directory());
        assertEquals(Path.of("/home/u/.cache/spark-image-classifier/int8"),
                Int8Cache.resolve(null, null, "/home/u").orElseThrow().directory());
        assertEquals(Path.of("/home/u/.cache/spark-image-classifier/int8"),
                Int8Cache.resolve(null, "relative", "/home/u").orElseThrow().directory(), "a relative XDG_CACHE_HOME is ignored");
        assertEquals(Path.of("/elsewhere"), Int8Cache.resolve("/elsewhere", "/xdg", "/home/u").orElseThrow().directory());
    }

    /**
     * A file that does not decode makes calibration read one past the key's files: a changed file
     * there is a miss, although the key's files are the same.
     */
    @Test
    void filesReadPastTheKeyMustMatchToo() throws Exception {
        Path dir = tmp.resolve("cache");
        List<byte[]> withJunk = new ArrayList<>();
        withJunk.add("not an image".getBytes(StandardCharsets.UTF_8));
        withJunk.addAll(photos.subList(0, IMAGES));
        Step first = quantize(withJunk, CalibrationMethod.PERCENTILE, dir.toString());
        assertEquals("miss", first.cache());
        assertTrue(first.console().contains("(percentile, 1 skipped)"), first.console());
        assertEquals("hit", quantize(withJunk, CalibrationMethod.PERCENTILE, dir.toString()).cache());

        List<byte[]> lastChanged = new ArrayList<>(withJunk);
        lastChanged.set(IMAGES, photos.get(IMAGES));
        Step changed = quantize(lastChanged, CalibrationMethod.PERCENTILE, dir.toString());
        assertEquals("miss", changed.cache());
        assertFalse(java.util.Arrays.equals(first.model(), changed.model()));
    }
}
