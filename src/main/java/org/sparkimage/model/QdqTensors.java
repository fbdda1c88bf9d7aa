package org.sparkimage.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * The activation tensors whose calibration an int8 QDQ graph ({@link QdqLayers}) reads: the ones it
 * quantizes need a range, the inputs of its int8 convs also need per-channel means (bias
 * correction). Calibration collects only these: the float prefix's tensors (the image and the stem's
 * 112x112 outputs, a seventh of MobileNetV2's activation values) are never quantized.
 *
 * @param ranged   tensors (by layer name, {@link MobileNetV2OnnxWriter#INPUT} for the image) that get a range
 * @param averaged tensors that get per-channel means; a subset of {@code ranged}
 */
public record QdqTensors(Set<String> ranged, Set<String> averaged) {
    /** Copies the sets, sorted. */
    public QdqTensors {
        ranged = java.util.Collections.unmodifiableSet(new TreeSet<>(ranged));
        averaged = java.util.Collections.unmodifiableSet(new TreeSet<>(averaged));
    }

    /**
     * What {@link QdqLayers} reads when it writes {@code spec} with {@code floatLayers} kept float:
     * an int8 conv quantizes its input (range and means) and its output (range); an add and the
     * pool quantize what they read; a float conv and the dense head read float tensors.
     */
    public static QdqTensors of(MobileNetV2Spec spec, Set<String> floatLayers) {
        Set<String> ranged = new TreeSet<>();
        Set<String> averaged = new TreeSet<>();
        for (Layer l : spec.layers()) {
            switch (l.kind()) {
                case CONV -> {
                    if (floatLayers.contains(l.name())) continue;
                    ranged.add(l.inputs().get(0));
                    averaged.add(l.inputs().get(0));
                    ranged.add(l.name());
                }
                case ADD, GLOBAL_AVG_POOL -> ranged.addAll(l.inputs());
                case DENSE -> { }
            }
        }
        return new QdqTensors(ranged, averaged);
    }
}
