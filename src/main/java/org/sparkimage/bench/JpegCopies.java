package org.sparkimage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.sparkimage.image.DecodeLimits;
import org.sparkimage.image.FormatSniffer;
import org.sparkimage.image.GuardedImageDecoder;
import org.sparkimage.image.ImageDecodeException;
import org.sparkimage.image.ImageFormat;

/**
 * JPEG copies of a folder's lossless images, at their own size ({@code scripts/fetch-study-photos.sh}).
 * Scaled decoding changes only JPEGs, so a study of it learns nothing from a PNG or a WebP; their
 * JPEG copies (javax.imageio, 4:2:0, the given quality; transparency composited onto white) add
 * the same photographs as JPEGs. JPEGs themselves are not copied.
 */
public final class JpegCopies {
    private JpegCopies() {
    }

    /**
     * Writes {@code <to>/<relative path>.jpg} for every decodable non-JPEG file under {@code from}.
     *
     * @return the number of copies written
     */
    public static int write(Path from, Path to, float quality) throws IOException {
        GuardedImageDecoder decoder = new GuardedImageDecoder(DecodeLimits.DEFAULT, new int[] {255, 255, 255});
        List<Path> files;
        try (Stream<Path> s = Files.walk(from)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        int written = 0;
        for (Path f : files) {
            byte[] data = Files.readAllBytes(f);
            if (FormatSniffer.sniff(data).orElse(null) == ImageFormat.JPEG) continue;
            try {
                Path out = to.resolve(from.relativize(f).toString() + ".jpg");
                Files.createDirectories(out.getParent());
                CorpusMaker.writeJpeg(decoder.decode(data).toBufferedImage(), quality, out);
                written++;
            } catch (ImageDecodeException e) {
                System.err.println("skipped " + f + ": " + e.getMessage());
            }
        }
        return written;
    }

    /** {@code JpegCopies <from> <to> [quality 0..1]}: prints the number of copies. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: JpegCopies <from> <to> [quality, default 0.9]");
            System.exit(2);
        }
        System.out.println(write(Path.of(args[0]), Path.of(args[1]), args.length > 2 ? Float.parseFloat(args[2]) : 0.9f));
    }
}
