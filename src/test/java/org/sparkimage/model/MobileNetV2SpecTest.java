package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MobileNetV2SpecTest {

    @Test
    void torchvisionParameterCountAt224() {
        // torchvision.models.mobilenet_v2(): sum(p.numel() for p in model.parameters()) = 3,504,872
        assertEquals(3_504_872L, MobileNetV2Spec.imagenet(1.0, 224, 1000).params());
    }

    /**
     * The published table of the TF-slim / Keras MobileNetV2 checkpoints (Keras
     * {@code applications/mobilenet_v2.py} docstring; TF models {@code research/slim/nets/mobilenet}
     * README): MACs in millions and parameters in millions for 1001 classes, BatchNorm excluded.
     */
    @ParameterizedTest(name = "width {0} at {1}px: {2} M MACs, {3} M params")
    @CsvSource({
            "1.4,224,582,6.06", "1.3,224,509,5.34",
            "1.0,224,300,3.47", "1.0,192,221,3.47", "1.0,160,154,3.47", "1.0,128,99,3.47", "1.0,96,56,3.47",
            "0.75,224,209,2.61", "0.75,192,153,2.61", "0.75,160,107,2.61", "0.75,128,69,2.61", "0.75,96,39,2.61",
            "0.5,224,97,1.95", "0.5,192,71,1.95", "0.5,160,50,1.95", "0.5,128,32,1.95", "0.5,96,18,1.95",
            "0.35,224,59,1.66", "0.35,192,43,1.66", "0.35,160,30,1.66", "0.35,128,20,1.66", "0.35,96,11,1.66"})
    void matchesPublishedTable(double width, int resolution, int macsMillions, double paramsMillions) {
        MobileNetV2Spec spec = MobileNetV2Spec.imagenet(width, resolution, 1001);
        double macs = spec.macs() / 1e6;
        // The table rounds down or to nearest; either way the exact count lies within 1 M of it.
        assertTrue(macs >= macsMillions - 0.5 && macs < macsMillions + 1.0,
                () -> "MACs " + macs + " M vs published " + macsMillions);
        double paramsWithoutBn = (spec.params() - 2 * spec.batchNormChannels()) / 1e6;
        assertEquals(paramsMillions, paramsWithoutBn, 0.005, "params (M) without BatchNorm");
    }

    @Test
    void stageStructureFollowsThePaper() {
        List<Layer> layers = MobileNetV2Spec.imagenet(1.0, 224, 1000).layers();
        // 17 blocks: only block 0 (t = 1) lacks an expand conv.
        assertEquals(16, layers.stream().filter(l -> l.name().endsWith("_expand")).count());
        assertEquals(17, layers.stream().filter(l -> l.name().endsWith("_depthwise")).count());
        // residuals: stride 1 and in == out channels -> blocks 2,4,5,7,8,9,11,12,14,15
        List<String> adds = layers.stream().filter(l -> l.kind() == Layer.Kind.ADD).map(Layer::name).toList();
        assertEquals(List.of("block2_add", "block4_add", "block5_add", "block7_add", "block8_add", "block9_add",
                "block11_add", "block12_add", "block14_add", "block15_add"), adds);
        // strides only on the first depthwise of stages 2, 3, 4 and 6 (and the stem)
        List<String> strided = layers.stream().filter(l -> l.stride() == 2).map(Layer::name).toList();
        assertEquals(List.of("stem", "block1_depthwise", "block3_depthwise", "block6_depthwise", "block13_depthwise"), strided);
        // projections are linear, everything else convolutional is ReLU6
        for (Layer l : layers) {
            if (l.kind() != Layer.Kind.CONV) continue;
            assertTrue(l.batchNorm(), l.name());
            assertEquals(l.name().endsWith("_project") ? Activation.NONE : Activation.RELU6, l.activation(), l.name());
        }
        Layer last = layers.get(layers.size() - 1);
        assertEquals(new Shape(1, 1, 1000), last.out());
        Layer lastConv = layers.stream().filter(l -> l.name().equals("last_conv")).findFirst().orElseThrow();
        assertEquals(new Shape(7, 7, 1280), lastConv.out());
    }

    @Test
    void widthRoundsChannelsToMultiplesOfEightAndScalesLastConvOnlyAboveOne() {
        assertEquals(8, MobileNetV2Spec.makeDivisible(32 * 0.25));
        assertEquals(16, MobileNetV2Spec.makeDivisible(32 * 0.35)); // 8 would drop more than 10 %
        assertEquals(32, MobileNetV2Spec.makeDivisible(24 * 1.4));
        assertEquals(136, MobileNetV2Spec.makeDivisible(96 * 1.4));
        assertEquals(1280, MobileNetV2Spec.imagenet(0.5, 224, 10).lastChannels());
        assertEquals(1792, MobileNetV2Spec.imagenet(1.4, 224, 10).lastChannels());
        for (Layer l : MobileNetV2Spec.imagenet(0.35, 160, 10).layers()) {
            if (l.kind() == Layer.Kind.CONV) assertEquals(0, l.out().channels() % 8, l.name());
        }
    }

    @Test
    void paddingConventionsDifferOnlyWhereTheyShould() {
        MobileNetV2Spec torch = MobileNetV2Spec.imagenet(1.0, 224, 10);
        MobileNetV2Spec keras = new MobileNetV2Spec(1.0, 224, Head.classifier(10), Padding.TF_SAME);
        List<Layer> a = torch.layers();
        List<Layer> b = keras.layers();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).out(), b.get(i).out(), a.get(i).name());
        }
        Layer stemTf = b.get(0);
        // TF "same" on an even input with stride 2: the extra row/column goes bottom/right only.
        assertEquals(List.of(0, 0, 1, 1), List.of(stemTf.pads()[0], stemTf.pads()[1], stemTf.pads()[2], stemTf.pads()[3]));
        assertEquals(List.of(1, 1, 1, 1), List.of(a.get(0).pads()[0], a.get(0).pads()[1], a.get(0).pads()[2], a.get(0).pads()[3]));
        // odd input: TF pads 1 on both sides, like PyTorch
        Layer stemOdd = new MobileNetV2Spec(1.0, 225, Head.classifier(10), Padding.TF_SAME).layers().get(0);
        assertEquals(1, stemOdd.pads()[0]);
        assertEquals(1, stemOdd.pads()[2]);
    }

    @Test
    void summaryListsEveryLayerAndTheTotals() {
        MobileNetV2Spec spec = MobileNetV2Spec.imagenet(1.0, 224, 1000);
        String summary = spec.summary();
        for (Layer l : spec.layers()) assertTrue(summary.contains(l.name() + " "), l.name());
        assertTrue(summary.contains("3,504,872"), summary);
        assertFalse(summary.contains("NaN"));
    }

    /** Output channels of the stem and of each stage's last projection, in order. */
    private static List<Integer> stageChannels(MobileNetV2Spec spec) {
        List<Integer> c = new java.util.ArrayList<>();
        c.add(spec.stemChannels());
        int[] lastBlockOfStage = {0, 2, 5, 9, 12, 15, 16};
        for (int b : lastBlockOfStage) {
            c.add(spec.layers().stream().filter(l -> l.name().equals("block" + b + "_project")).findFirst().orElseThrow().out().channels());
        }
        c.add(spec.lastChannels());
        return c;
    }

    @Test
    void seedRuleKeepsTheStemAndTruncatesStageChannels() {
        // The seed design's code: input_channel = 32, output_channel = int(c * width_mult), last 1280 unless width > 1.
        MobileNetV2Spec half = MobileNetV2Spec.imagenet(0.5, 224, 1000).withChannels(ChannelRule.SEED);
        assertEquals(List.of(32, 8, 12, 16, 32, 48, 80, 160, 1280), stageChannels(half));
        // counted with the seed's classes in PyTorch: sum(p.numel()) at width 0.5 (torchvision's rule gives 1,968,680)
        assertEquals(1_966_216L, half.params());
        assertEquals(1_968_680L, MobileNetV2Spec.imagenet(0.5, 224, 1000).params());
        assertEquals(List.of(32, 5, 8, 11, 22, 33, 56, 112, 1280),
                stageChannels(MobileNetV2Spec.imagenet(0.35, 224, 1000).withChannels(ChannelRule.SEED)));
        assertEquals(1792, MobileNetV2Spec.imagenet(1.4, 224, 1000).withChannels(ChannelRule.SEED).lastChannels());
        // at width 1.0 the two rules build the same network
        assertEquals(MobileNetV2Spec.imagenet(1.0, 224, 1000).layers().stream().map(Layer::out).toList(),
                MobileNetV2Spec.imagenet(1.0, 224, 1000).withChannels(ChannelRule.SEED).layers().stream().map(Layer::out).toList());
        assertEquals("mobilenetv2-0.5-224-c1000-seed", half.id());
        assertTrue(half.summary().contains("seed channels"), half.summary());
    }

    @Test
    void architectureJsonKeepsTheChannelRule() {
        MobileNetV2Spec seed = MobileNetV2Spec.imagenet(0.35, 128, 7).withChannels(ChannelRule.SEED);
        assertEquals(seed, ArchitectureJson.read(ArchitectureJson.write(seed)));
        MobileNetV2Spec plain = MobileNetV2Spec.imagenet(0.35, 128, 7);
        assertFalse(ArchitectureJson.write(plain).contains("channels"), "the default rule leaves the bytes as they were");
        assertEquals(plain, ArchitectureJson.read(ArchitectureJson.write(plain)));
    }
}
