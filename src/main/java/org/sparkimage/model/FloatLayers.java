package org.sparkimage.model;

import org.sparkimage.model.onnx.OnnxGraph;

/** Float convolutions (BatchNorm folded) followed by their activation node. */
final class FloatLayers implements LayerEmitter {
    @Override
    public void produced(OnnxGraph g, String name, String tensor) {
    }

    @Override
    public String read(OnnxGraph g, String name, String tensor) {
        return tensor;
    }

    @Override
    public void conv(OnnxGraph g, Layer l, LayerWeights w, String in, String out) {
        g.initializer(l.name() + ".weight", w.weight(), LayerEmitter.convDims(l));
        g.initializer(l.name() + ".bias", w.bias(), l.out().channels());
        String pre = l.activation() == Activation.NONE ? out : l.name() + "/conv";
        LayerEmitter.convNode(g, l, pre, in, l.name() + ".weight", l.name() + ".bias");
        LayerEmitter.activation(g, l.activation(), pre, out);
    }
}
