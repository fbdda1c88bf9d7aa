package org.sparkimage.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkimage.testing.ForkedJvm;

/**
 * The JVM flags of conf/java-module-flags.properties (what the scripts and the test JVMs run with)
 * do not make every command print "WARNING: Using incubator modules: jdk.incubator.vector".
 */
class JavaModuleFlagsTest {
    @TempDir
    Path tmp;

    @Test
    void aCommandRunWithTheProjectsFlagsPrintsNoIncubatorWarning() {
        ForkedJvm.Result r = ForkedJvm.run("org.sparkimage.model.ModelTool",
                List.of("-Xmx256m"), List.of("summary", "--width", "0.35", "--resolution", "96", "--classes", "10"),
                Duration.ofSeconds(60), tmp);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("conv"), r.output());
        assertFalse(r.output().contains("incubator"), r.output());
    }
}
