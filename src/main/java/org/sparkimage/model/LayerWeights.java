package org.sparkimage.model;

/**
 * Inference-ready weights of one layer.
 *
 * @param weight conv: ONNX order [out][in/groups][kh][kw]; dense: [out][in]; row-major
 * @param bias   one value per output channel (BatchNorm already folded in for convs)
 */
public record LayerWeights(float[] weight, float[] bias) {}
