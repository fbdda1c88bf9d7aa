package org.sparkimage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExifOrientationTest {
    /**
     * EXIF 2.3 defines each orientation by where the stored image's row 0 and column 0 are shown:
     * {top|bottom|left|right} for row 0, then for column 0.
     */
    private static final String[][] SIDES = {
            null,
            {"top", "left"}, {"top", "right"}, {"bottom", "right"}, {"bottom", "left"},
            {"left", "top"}, {"right", "top"}, {"right", "bottom"}, {"left", "bottom"},
    };

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void storedRowZeroAndColumnZeroLandWhereTheSpecSays(int orientation) {
        int w = 4;
        int h = 3;
        // Every stored pixel is unique: R = x, G = y, B = marker.
        RgbImage stored = TestData.image(w, h, (x, y, c) -> c == 0 ? x : c == 1 ? y : 200);
        RgbImage upright = ExifOrientation.apply(stored, orientation);
        boolean swap = orientation >= 5;
        assertEquals(swap ? h : w, upright.width(), "width");
        assertEquals(swap ? w : h, upright.height(), "height");
        for (int sy = 0; sy < h; sy++) {
            for (int sx = 0; sx < w; sx++) {
                int[] pos = uprightPosition(SIDES[orientation], sx, sy, upright.width(), upright.height());
                assertEquals(sx, upright.sample(pos[0], pos[1], 0), "stored x of upright " + pos[0] + "," + pos[1]);
                assertEquals(sy, upright.sample(pos[0], pos[1], 1), "stored y of upright " + pos[0] + "," + pos[1]);
            }
        }
    }

    /** Stored row sy lies sy steps in from the row-0 side; stored column sx lies sx steps in from the column-0 side. */
    private static int[] uprightPosition(String[] sides, int sx, int sy, int outW, int outH) {
        int[] pos = new int[2];
        place(pos, sides[0], sy, outW, outH);
        place(pos, sides[1], sx, outW, outH);
        return pos;
    }

    private static void place(int[] pos, String side, int distance, int outW, int outH) {
        switch (side) {
            case "top" -> pos[1] = distance;
            case "bottom" -> pos[1] = outH - 1 - distance;
            case "left" -> pos[0] = distance;
            default -> pos[0] = outW - 1 - distance;
        }
    }

    @Test
    void normalAndUnknownOrientationsReturnTheImageItself() {
        RgbImage img = TestData.image(2, 2, (x, y, c) -> x + y);
        assertSame(img, ExifOrientation.apply(img, 1));
        assertSame(img, ExifOrientation.apply(img, 0));
        assertSame(img, ExifOrientation.apply(img, 9));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void parsesOrientationFromBothByteOrders(boolean littleEndian) {
        for (int o = 1; o <= 8; o++) {
            byte[] tiff = tiff(littleEndian, 0x0112, 3, o);
            assertEquals(o, ExifOrientation.parse(tiff, 0, tiff.length), "orientation " + o);
        }
    }

    @Test
    void damagedOrMissingTagMeansNormal() {
        byte[] valid = tiff(true, 0x0112, 3, 6);
        assertEquals(1, ExifOrientation.parse(tiff(true, 0x0110, 3, 6), 0, valid.length), "other tag");
        assertEquals(1, ExifOrientation.parse(tiff(true, 0x0112, 4, 6), 0, valid.length), "wrong type");
        assertEquals(1, ExifOrientation.parse(tiff(true, 0x0112, 3, 9), 0, valid.length), "value out of range");
        assertEquals(1, ExifOrientation.parse(valid, 0, 12), "cut before the entry");
        byte[] badOffset = valid.clone();
        badOffset[4] = (byte) 0xF0; // IFD offset beyond the block
        assertEquals(1, ExifOrientation.parse(badOffset, 0, badOffset.length), "IFD offset out of range");
        byte[] badMagic = valid.clone();
        badMagic[2] = 41;
        assertEquals(1, ExifOrientation.parse(badMagic, 0, badMagic.length), "not TIFF");
        assertEquals(1, ExifOrientation.parse(new byte[3], 0, 3), "too short");
    }

    /** A minimal TIFF block: header, IFD0 at offset 8 with one entry. */
    static byte[] tiff(boolean little, int tag, int type, int value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(little ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        u16(b, 42, little);
        u32(b, 8, little);
        u16(b, 1, little);       // entries
        u16(b, tag, little);
        u16(b, type, little);
        u32(b, 1, little);       // count
        u16(b, value, little);   // SHORT value, left-aligned in the 4-byte field
        u16(b, 0, little);
        u32(b, 0, little);       // no next IFD
        return b.toByteArray();
    }

    private static void u16(ByteArrayOutputStream b, int v, boolean little) {
        if (little) { b.write(v & 0xFF); b.write(v >> 8 & 0xFF); } else { b.write(v >> 8 & 0xFF); b.write(v & 0xFF); }
    }

    private static void u32(ByteArrayOutputStream b, int v, boolean little) {
        if (little) { u16(b, v & 0xFFFF, true); u16(b, v >>> 16, true); } else { u16(b, v >>> 16, false); u16(b, v & 0xFFFF, false); }
    }
}
