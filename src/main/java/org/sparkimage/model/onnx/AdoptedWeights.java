package org.sparkimage.model.onnx;

import java.util.Map;

import org.sparkimage.model.Layer;
import org.sparkimage.model.LayerWeights;
import org.sparkimage.model.WeightSource;

/**
 * The weights of an adopted graph, by spec layer: each conv's OIHW weights with whatever
 * BatchNorm, Mul or Add followed it folded in, each dense layer's [out][in] weights. Copies are
 * handed out, so callers may modify them.
 */
final class AdoptedWeights implements WeightSource {
    private final Map<String, FoundLayer> byLayer;
    private final String description;

    AdoptedWeights(Map<String, FoundLayer> byLayer, String description) {
        this.byLayer = Map.copyOf(byLayer);
        this.description = description;
    }

    @Override
    public LayerWeights conv(Layer layer) {
        return lookup(layer, Layer.Kind.CONV);
    }

    @Override
    public LayerWeights dense(Layer layer) {
        return lookup(layer, Layer.Kind.DENSE);
    }

    @Override
    public String description() {
        return description;
    }

    private LayerWeights lookup(Layer layer, Layer.Kind kind) {
        FoundLayer f = byLayer.get(layer.name());
        if (f == null || f.kind != kind || layer.kind() != kind) {
            throw new IllegalArgumentException("the adopted graph has no " + kind + " layer " + layer.name());
        }
        if (f.weight.length != layer.weightCount() || f.bias.length != layer.out().channels()) {
            throw new IllegalArgumentException("the adopted weights of " + layer.name() + " do not fit its shape");
        }
        return new LayerWeights(f.weight.clone(), f.bias.clone());
    }
}
