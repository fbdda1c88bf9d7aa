package org.sparkimage.model.torch;

import java.nio.ByteBuffer;

/**
 * The element types a checkpoint's storages can hold, keyed by the storage class that data.pkl
 * names ({@code torch.FloatStorage} and so on), with their size and how they become float32.
 */
enum DType {
    FLOAT32("float32", "FloatStorage", 4, true),
    FLOAT64("float64", "DoubleStorage", 8, true),
    FLOAT16("float16", "HalfStorage", 2, true),
    BFLOAT16("bfloat16", "BFloat16Storage", 2, true),
    INT64("int64", "LongStorage", 8, false),
    INT32("int32", "IntStorage", 4, false),
    INT16("int16", "ShortStorage", 2, false),
    INT8("int8", "CharStorage", 1, false),
    UINT8("uint8", "ByteStorage", 1, false),
    BOOL("bool", "BoolStorage", 1, false);

    private final String torchName;
    private final String storageClass;
    private final int elementSize;
    private final boolean floating;

    DType(String torchName, String storageClass, int elementSize, boolean floating) {
        this.torchName = torchName;
        this.storageClass = storageClass;
        this.elementSize = elementSize;
        this.floating = floating;
    }

    /** torch's name without the "torch." prefix, e.g. "float32". */
    String torchName() {
        return torchName;
    }

    /** The storage class in module {@code torch}, e.g. "FloatStorage". */
    String storageClass() {
        return storageClass;
    }

    /** Bytes per element. */
    int elementSize() {
        return elementSize;
    }

    /** Whether {@link #decode} applies (integer and bool tensors are not converted to floats). */
    boolean isFloating() {
        return floating;
    }

    /** The type whose storage class is {@code name} in module torch, or null. */
    static DType ofStorageClass(String name) {
        for (DType t : values()) {
            if (t.storageClass.equals(name)) return t;
        }
        return null;
    }

    /**
     * Converts {@code count} elements from {@code src}'s position (in src's byte order) into
     * {@code dst[offset...]}. Only for floating types.
     */
    void decode(ByteBuffer src, float[] dst, int offset, int count) {
        switch (this) {
            case FLOAT32 -> src.asFloatBuffer().get(dst, offset, count);
            case FLOAT64 -> {
                for (int i = 0; i < count; i++) dst[offset + i] = (float) src.getDouble(src.position() + 8 * i);
            }
            case FLOAT16 -> {
                for (int i = 0; i < count; i++) dst[offset + i] = halfToFloat(src.getShort(src.position() + 2 * i));
            }
            case BFLOAT16 -> {
                // bfloat16 is the upper half of a float32: exact.
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = Float.intBitsToFloat((src.getShort(src.position() + 2 * i) & 0xffff) << 16);
                }
            }
            default -> throw new IllegalStateException(torchName + " is not a floating type");
        }
    }

    /** IEEE 754 binary16 to float32, exact (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, exact in float32.
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
