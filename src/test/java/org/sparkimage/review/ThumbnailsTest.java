package org.sparkimage.review;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gallery thumbnails of tar members: one pass over a shard for all of its members, same pictures as plain files. */
class ThumbnailsTest {
    private static final int MEMBERS = 40;

    @TempDir
    Path tmp;

    private static byte[] jpeg(int i) throws Exception {
        BufferedImage img = new BufferedImage(64 + i, 48, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, (x * 4 + i * 5) << 16 | (y * 5) << 8 | (i * 6));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "jpeg", out));
        return out.toByteArray();
    }

    /** A ustar entry: 512-byte header, data padded to 512. */
    private static void entry(ByteArrayOutputStream tar, String name, byte[] data) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, String.format("%011o", 0));
        h[156] = '0';
        put(h, 257, "ustar");
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) h[i] = ' ';
        int sum = 0;
        for (byte b : h) sum += b & 0xFF;
        put(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        tar.writeBytes(h);
        tar.writeBytes(data);
        tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    @Test
    void aShardIsReadOnceForAllItsMembersAndTheThumbnailsMatchPlainFiles() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            images.add(jpeg(i));
            entry(tar, "img/" + i + ".jpg", images.get(i));
        }
        tar.writeBytes(new byte[1024]);
        Path shard = tmp.resolve("shard-000.tar");
        Files.write(shard, tar.toByteArray());

        Configuration conf = new Configuration();
        Thumbnails thumbs = new Thumbnails(conf, tmp.resolve("thumbs"), "thumbs/", 32, 1 << 20);
        List<String> paths = new ArrayList<>();
        for (int i = MEMBERS - 1; i >= 0; i--) paths.add(shard + "/img/" + i + ".jpg"); // any order
        paths.add(shard + "/img/missing.jpg");
        thumbs.prepare(paths);
        assertEquals(1, thumbs.shardPasses(), "one pass over the shard for all its members");

        Thumbnails plain = new Thumbnails(conf, tmp.resolve("plain"), "plain/", 32, 1 << 20);
        for (int i = 0; i < MEMBERS; i++) {
            Thumbnails.Thumb t = thumbs.make(shard + "/img/" + i + ".jpg");
            assertTrue(t.present(), t.failure());
            Path file = tmp.resolve("img-" + i + ".jpg");
            Files.write(file, images.get(i));
            Thumbnails.Thumb p = plain.make(file.toString());
            assertTrue(p.present(), p.failure());
            assertEquals(p.width(), t.width());
            assertEquals(p.height(), t.height());
            assertArrayEquals(Files.readAllBytes(tmp.resolve(p.file())), Files.readAllBytes(tmp.resolve(t.file())), "member " + i);
        }
        Thumbnails.Thumb missing = thumbs.make(shard + "/img/missing.jpg");
        assertFalse(missing.present());
        assertTrue(missing.failure().contains("no member"), missing.failure());
        assertEquals(1, thumbs.shardPasses(), "make() of prepared members reads nothing more");
        assertEquals(MEMBERS, thumbs.made());
        assertEquals(1, thumbs.failed());
    }
}
