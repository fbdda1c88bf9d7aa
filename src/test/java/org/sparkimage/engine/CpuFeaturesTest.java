package org.sparkimage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheFlagsOfX86AndArm() throws Exception {
        Path x86 = tmp.resolve("x86");
        Files.writeString(x86, "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n\n"
                + "processor\t: 1\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n");
        Set<String> flags = CpuFeatures.read(x86);
        assertTrue(flags.contains("avx512_vnni") && flags.contains("avx2"), flags.toString());
        assertTrue(CpuFeatures.hasInt8DotProduct(flags));

        Path arm = tmp.resolve("arm");
        Files.writeString(arm, "processor\t: 0\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics asimddp\n");
        assertTrue(CpuFeatures.hasInt8DotProduct(CpuFeatures.read(arm)));
    }

    @Test
    void avx2AloneOrNothingReadableHasNoInt8DotProduct() throws Exception {
        Path avx2 = tmp.resolve("avx2");
        Files.writeString(avx2, "flags\t\t: fpu sse2 avx avx2 fma\n");
        assertFalse(CpuFeatures.hasInt8DotProduct(CpuFeatures.read(avx2)));
        assertEquals(Set.of(), CpuFeatures.read(tmp.resolve("missing")));
    }
}
