package org.sparkimage.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.charset.StandardCharsets;

/**
 * Converts RGB pixels from an embedded ICC profile (Adobe RGB, Display P3, ProPhoto, ...) to sRGB
 * with the JDK's colour management, for decoders that ignore profiles (libjpeg). Profiles that are
 * sRGB already, not RGB, or unreadable leave the pixels as they are: a bad profile is metadata,
 * never a reason to reject an image.
 */
final class IccConverter {
    private IccConverter() {
    }

    static RgbImage toSrgb(RgbImage img, byte[] profileBytes) {
        if (profileBytes == null || isSrgb(profileBytes)) return img;
        ICC_ColorSpace source;
        try {
            ICC_Profile profile = ICC_Profile.getInstance(profileBytes);
            if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) return img;
            source = new ICC_ColorSpace(profile);
        } catch (IllegalArgumentException e) {
            return img;
        }
        try {
            BufferedImage in = wrap(img, source);
            BufferedImage out = wrap(new RgbImage(img.width(), img.height(), new byte[img.pixels().length]),
                    ColorSpace.getInstance(ColorSpace.CS_sRGB));
            new ColorConvertOp(source, out.getColorModel().getColorSpace(), null).filter(in, out);
            return new RgbImage(img.width(), img.height(), ((DataBufferByte) out.getRaster().getDataBuffer()).getData());
        } catch (RuntimeException e) { // CMMException, ProfileDataException: a profile LCMS rejects
            return img;
        }
    }

    /** The profile description says sRGB (the common camera and phone profile): nothing to do. */
    private static boolean isSrgb(byte[] profile) {
        String text = new String(profile, StandardCharsets.ISO_8859_1);
        return text.contains("sRGB") || text.contains("s\0R\0G\0B");
    }

    private static BufferedImage wrap(RgbImage img, ColorSpace space) {
        DataBufferByte buffer = new DataBufferByte(img.pixels(), img.pixels().length);
        PixelInterleavedSampleModel model = new PixelInterleavedSampleModel(
                DataBuffer.TYPE_BYTE, img.width(), img.height(), 3, img.width() * 3, new int[] {0, 1, 2});
        WritableRaster raster = Raster.createWritableRaster(model, buffer, null);
        ComponentColorModel colors = new ComponentColorModel(space, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(colors, raster, false, null);
    }
}
