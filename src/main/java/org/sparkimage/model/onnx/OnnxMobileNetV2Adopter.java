package org.sparkimage.model.onnx;

import java.util.Locale;

import org.sparkimage.model.MobileNetV2Spec;
import org.sparkimage.model.WeightSource;

/**
 * Recognises a MobileNetV2 in an ONNX file this project did not write (PyTorch's legacy and dynamo
 * exporters, tf2onnx-style NHWC graphs, this project's own graphs without their metadata) and
 * recovers its {@link MobileNetV2Spec} and inference-ready weights, so the model can be quantized,
 * given a new head or used for embeddings like one the project wrote. Only the graph is read, never
 * metadata: node and tensor names carry no meaning here.
 *
 * <p>Three steps: {@link OnnxNodes} reads the protobuf, {@link MobileNetV2GraphWalker} turns the
 * data path into conv/add/pool/dense layers with BatchNorms and biases folded in, and
 * {@link MobileNetV2SpecMatcher} finds the width, channel rule and padding whose spec has exactly
 * those layers.
 */
public final class OnnxMobileNetV2Adopter {

    /**
     * An adopted model.
     *
     * @param spec        the architecture (head included: one {@code DenseLayer} per Gemm/MatMul)
     * @param weights     BatchNorm-folded conv weights (OIHW) and [out][in] dense weights, by spec layer
     * @param inputName   the graph input carrying the image
     * @param nhwc        whether that input is NHWC (the graph transposes it to NCHW)
     * @param outputName  the graph output carrying the head's output
     * @param softmax     whether that output is probabilities (the head ends in a Softmax)
     * @param description where the model came from, for provenance (producer, opset, what was found)
     */
    public record Adopted(MobileNetV2Spec spec, WeightSource weights, String inputName, boolean nhwc, String outputName,
                          boolean softmax, String description) {}

    private OnnxMobileNetV2Adopter() {}

    /**
     * Adopts a model whose input has a fixed spatial size.
     *
     * @throws NotMobileNetV2Exception when the graph is not a MobileNetV2 of a known variant (the
     *                                 message says why), or its input size is dynamic
     * @throws IllegalArgumentException when the bytes are not a well-formed ONNX model
     */
    public static Adopted adopt(byte[] onnx) {
        return adopt(onnx, 0);
    }

    /**
     * Adopts a model, assuming {@code resolutionIfDynamic} x {@code resolutionIfDynamic} inputs
     * when the input's spatial size is not fixed in the file (a fixed size wins when there is one).
     *
     * @param resolutionIfDynamic the square input size for a dynamic input, or 0 to refuse one
     * @throws NotMobileNetV2Exception when the graph is not a MobileNetV2 of a known variant
     * @throws IllegalArgumentException when the bytes are not a well-formed ONNX model
     */
    public static Adopted adopt(byte[] onnx, int resolutionIfDynamic) {
        OnnxNodes graph = OnnxNodes.read(onnx);
        MobileNetV2GraphWalker.Result walked = MobileNetV2GraphWalker.walk(graph, resolutionIfDynamic);
        MobileNetV2SpecMatcher.Match match = MobileNetV2SpecMatcher.match(walked.layers(), walked.resolution());
        MobileNetV2Spec spec = match.spec();
        String description = String.format(Locale.ROOT, "adopted from an ONNX graph (%s, opset %d): %s, %s padding, %s channels",
                graph.producer().isEmpty() ? "unknown producer" : "producer " + graph.producer(), graph.opset(), spec.id(),
                spec.padding().name().toLowerCase(Locale.ROOT), spec.channels().label());
        return new Adopted(spec, new AdoptedWeights(match.byLayer(), description), walked.inputName(), walked.nhwc(),
                walked.outputName(), spec.head().outputsProbabilities(), description);
    }
}
