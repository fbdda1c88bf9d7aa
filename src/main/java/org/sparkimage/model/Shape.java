package org.sparkimage.model;

/** Activation map size of one image: height x width x channels. */
public record Shape(int height, int width, int channels) {
    public long elements() {
        return (long) height * width * channels;
    }

    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }
}
