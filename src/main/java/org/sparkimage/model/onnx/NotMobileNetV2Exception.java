package org.sparkimage.model.onnx;

/**
 * An ONNX graph that {@link OnnxMobileNetV2Adopter} does not recognise as a MobileNetV2 of a known
 * variant; the message says why, naming the node, op or shape that does not fit.
 */
public class NotMobileNetV2Exception extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message gives the reason. */
    public NotMobileNetV2Exception(String message) {
        super(message);
    }
}
