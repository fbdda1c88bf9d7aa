package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;

/**
 * The guards that keep one file from eating an executor's CPU or heap: scan-progression checks
 * (CPU bombs refused from headers), the per-image time budget (whatever slips past them is
 * stopped), and the JVM-wide decode memory budget.
 */
class DecodeBudgetTest {
    private static final int[] WHITE = {255, 255, 255};

    @Test
    void scanFloodIsRefusedFromItsScanHeadersWithoutDecoding() throws Exception {
        byte[] flood = Files.readAllBytes(TestData.reference("bad-inputs").resolve("bomb_jpeg_scan_flood.jpg"));
        long t0 = System.nanoTime();
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> new GuardedImageDecoder().decode(flood));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ImageError.CORRUPT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("progression"), e.getMessage());
        // A full decode takes minutes; a header walk over 0.8 MB takes milliseconds (bound kept loose for busy CI boxes).
        assertTrue(ms < 5_000, "took " + ms + " ms");
    }

    @Test
    void timeBudgetStopsACpuBombThatPassesTheStructureChecks() throws Exception {
        byte[] flood = Files.readAllBytes(TestData.reference("bad-inputs").resolve("bomb_jpeg_scan_flood.jpg"));
        ImageIoReader reader = new ImageIoReader(new PixelLimit(DecodeLimits.DEFAULT_MAX_PIXELS), new AlphaCompositor(WHITE),
                new DecodeMemoryBudget(1L << 30));
        long t0 = System.nanoTime();
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> reader.read(
                ImageFormat.JPEG, flood, ExifOrientation.NORMAL, DecodeDeadline.start(Duration.ofSeconds(1)), true));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ImageError.TIMEOUT, e.code(), e.getMessage());
        // Run to the end this file costs javax.imageio over 150 s; stopped, a few seconds at most.
        assertTrue(ms < 30_000, "the decode was not stopped: " + ms + " ms");
    }

    @Test
    void everyReaderIsStoppedByAnExpiredBudget() {
        // javax.imageio for JPEG too: the native path is bounded by the scan cap instead (see below).
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT.withTimeBudget(Duration.ofNanos(1)), WHITE)
                .withoutNativeJpeg();
        for (String format : new String[] {"png", "jpeg", "gif", "bmp", "tiff"}) {
            byte[] data = Images.encode(Images.gradient(64, 48), format);
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(data), format);
            assertEquals(ImageError.TIMEOUT, e.code(), format + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("budget"), e.getMessage());
        }
    }

    @Test
    void repeatedScansAreCorruptInEveryCodingProcess() throws Exception {
        for (boolean progressive : new boolean[] {false, true}) {
            byte[] jpeg = jpeg(Images.gradient(96, 64), progressive);
            assertEquals(96, new GuardedImageDecoder().decode(jpeg).width(), "the unmodified file decodes");
            List<int[]> scans = scanSegments(jpeg);
            int[] last = scans.get(scans.size() - 1);
            byte[] repeated = Images.splice(jpeg, last[1], Arrays.copyOfRange(jpeg, last[0], last[1]));
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> new GuardedImageDecoder().decode(repeated));
            assertEquals(ImageError.CORRUPT, e.code(), (progressive ? "progressive: " : "sequential: ") + e.getMessage());
        }
    }

    @Test
    void legalProgressionsPassAndEachKindOfIllegalScanIsNamed() throws Exception {
        // libjpeg's default progression for a 3-component image (jcparam.c jpeg_simple_progression).
        JpegScanProgression ok = new JpegScanProgression(new int[] {1, 2, 3}, true);
        ok.accept(new int[] {1, 2, 3}, 0, 0, 0, 1);
        ok.accept(new int[] {1}, 1, 5, 0, 2);
        ok.accept(new int[] {3}, 1, 63, 0, 1);
        ok.accept(new int[] {2}, 1, 63, 0, 1);
        ok.accept(new int[] {1}, 6, 63, 0, 2);
        ok.accept(new int[] {1}, 1, 63, 2, 1);
        ok.accept(new int[] {1, 2, 3}, 0, 0, 1, 0);
        ok.accept(new int[] {3}, 1, 63, 1, 0);
        ok.accept(new int[] {2}, 1, 63, 1, 0);
        ok.accept(new int[] {1}, 1, 63, 1, 0);
        assertEquals(10, ok.scans());

        assertIllegal(true, p -> { p.accept(new int[] {1}, 0, 0, 0, 0); p.accept(new int[] {1}, 1, 5, 0, 0); p.accept(new int[] {1}, 1, 5, 0, 0); },
                "recodes coefficients");
        assertIllegal(true, p -> p.accept(new int[] {1}, 1, 63, 0, 0), "before its DC scan");
        assertIllegal(true, p -> { p.accept(new int[] {1}, 0, 0, 0, 2); p.accept(new int[] {1}, 0, 0, 2, 0); }, "Ah=2 Al=0");
        assertIllegal(true, p -> p.accept(new int[] {1}, 0, 5, 0, 0), "DC scan");
        assertIllegal(true, p -> p.accept(new int[] {1}, 0, 0, 1, 0), "recodes coefficients");
        assertIllegal(true, p -> p.accept(new int[] {9}, 0, 0, 0, 0), "does not have");
        assertIllegal(false, p -> { p.accept(new int[] {1}, 0, 63, 0, 0); p.accept(new int[] {1}, 0, 63, 0, 0); }, "more than one scan");
    }

    private interface Scans {
        void feed(JpegScanProgression p) throws ImageDecodeException;
    }

    private static void assertIllegal(boolean progressive, Scans scans, String messagePart) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> scans.feed(new JpegScanProgression(new int[] {1}, progressive)));
        assertEquals(ImageError.CORRUPT, e.code());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void anImageThatCannotFitTheMemoryBudgetIsTooLargeAndNothingStaysReserved() throws Exception {
        DecodeMemoryBudget memory = new DecodeMemoryBudget(1 << 20);
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, WHITE, memory);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> decoder.decode(Images.encode(Images.gradient(600, 400), "png")));
        assertEquals(ImageError.TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("heap"), e.getMessage());
        byte[] jpeg = Images.encode(Images.gradient(100, 100), "jpeg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertEquals(ImageError.TRUNCATED, assertThrows(ImageDecodeException.class, () -> decoder.decode(cut)).code());
        assertEquals(100, decoder.decode(jpeg).width());
        assertEquals(0, memory.reserved(), "reservations are returned after failures");
    }

    @Test
    void decodesWaitForMemoryInsteadOfRunningTogether() throws Exception {
        DecodeMemoryBudget memory = new DecodeMemoryBudget(1000);
        DecodeMemoryBudget.Reservation first = memory.reserve(600, "first");
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<DecodeMemoryBudget.Reservation> second = pool.submit(() -> {
                started.countDown();
                return memory.reserve(600, "second");
            });
            started.await();
            Thread.sleep(200);
            assertTrue(!second.isDone(), "the second reservation must wait while the first holds the budget");
            first.close();
            second.get(10, TimeUnit.SECONDS).close();
            assertEquals(0, memory.reserved());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyConcurrentDecodesShareTheBudgetAndAllSucceed() throws Exception {
        byte[] png = Images.encode(Images.gradient(300, 200), "png");
        // Room for about two of these decodes at a time: the others wait their turn.
        DecodeMemoryBudget memory = new DecodeMemoryBudget(300 * 200 * 7 * 2 + 1);
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, WHITE, memory);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<RgbImage>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) results.add(pool.submit(() -> decoder.decode(png)));
            for (Future<RgbImage> f : results) assertEquals(300, f.get(60, TimeUnit.SECONDS).width());
            assertEquals(0, memory.reserved());
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] jpeg(java.awt.image.BufferedImage img, boolean progressive) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** [start, end) of every SOS segment plus its entropy-coded data. */
    private static List<int[]> scanSegments(byte[] d) {
        List<int[]> scans = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= d.length) {
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xD9) break;
            int end = pos + 2 + ((d[pos + 2] & 0xFF) << 8 | (d[pos + 3] & 0xFF));
            if (marker == 0xDA) {
                while (end + 1 < d.length && !((d[end] & 0xFF) == 0xFF && (d[end + 1] & 0xFF) != 0 && ((d[end + 1] & 0xFF) < 0xD0 || (d[end + 1] & 0xFF) > 0xD7))) end++;
                scans.add(new int[] {pos, end});
            }
            pos = end;
        }
        return scans;
    }
}
