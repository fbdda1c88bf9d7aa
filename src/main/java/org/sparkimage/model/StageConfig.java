package org.sparkimage.model;

import java.util.List;

/**
 * One row of the MobileNetV2 bottleneck table (Sandler et al. 2018, Table 2).
 *
 * @param expansion t: hidden channels = t x input channels (no expand conv when t == 1)
 * @param channels  c: output channels at width 1.0
 * @param repeats   n: number of blocks in the stage
 * @param stride    s: stride of the first block; the others use 1
 */
public record StageConfig(int expansion, int channels, int repeats, int stride) {

    /** The published table, after a 32-channel stride-2 stem. */
    public static final List<StageConfig> MOBILENET_V2 = List.of(
            new StageConfig(1, 16, 1, 1),
            new StageConfig(6, 24, 2, 2),
            new StageConfig(6, 32, 3, 2),
            new StageConfig(6, 64, 4, 2),
            new StageConfig(6, 96, 3, 1),
            new StageConfig(6, 160, 3, 2),
            new StageConfig(6, 320, 1, 1));
}
