package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** OpenCV-layout pixels (Spark's image struct) to opaque RGB. */
class InterleavedPixelsTest {
    private static final int[] WHITE = {255, 255, 255};

    @Test
    void bgrBecomesRgb() throws Exception {
        RgbImage img = InterleavedPixels.fromBgr(2, 1, 3, bytes(1, 2, 3, 4, 5, 6), WHITE, 100);
        assertArrayEquals(bytes(3, 2, 1, 6, 5, 4), img.pixels());
    }

    @Test
    void greyIsCopiedToThreeChannels() throws Exception {
        RgbImage img = InterleavedPixels.fromBgr(1, 2, 1, bytes(7, 200), WHITE, 100);
        assertArrayEquals(bytes(7, 7, 7, 200, 200, 200), img.pixels());
    }

    @Test
    void alphaIsCompositedOntoTheBackground() throws Exception {
        // Opaque blue, fully transparent red, half-transparent black on a grey background.
        byte[] bgra = bytes(255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 128);
        RgbImage img = InterleavedPixels.fromBgr(3, 1, 4, bgra, new int[] {100, 100, 100}, 100);
        assertArrayEquals(bytes(0, 0, 255, 100, 100, 100, 50, 50, 50), img.pixels());
    }

    @Test
    void inconsistentStructsAreErrorCodes() {
        assertEquals(ImageError.CORRUPT, assertThrows(ImageDecodeException.class,
                () -> InterleavedPixels.fromBgr(2, 2, 3, new byte[11], WHITE, 100)).code());
        assertEquals(ImageError.CORRUPT, assertThrows(ImageDecodeException.class,
                () -> InterleavedPixels.fromBgr(-1, 2, 3, new byte[0], WHITE, 100)).code());
        assertEquals(ImageError.UNSUPPORTED_FORMAT, assertThrows(ImageDecodeException.class,
                () -> InterleavedPixels.fromBgr(1, 1, 2, new byte[2], WHITE, 100)).code());
        assertEquals(ImageError.TOO_LARGE, assertThrows(ImageDecodeException.class,
                () -> InterleavedPixels.fromBgr(20, 10, 3, new byte[600], WHITE, 100)).code());
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }
}
