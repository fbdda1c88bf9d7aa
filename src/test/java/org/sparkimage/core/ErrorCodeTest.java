package org.sparkimage.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sparkimage.image.ImageError;

/** Every image error is a row error code of the same name: the output contract has one vocabulary. */
class ErrorCodeTest {
    @Test
    void everyImageErrorHasItsRowCode() {
        for (ImageError e : ImageError.values()) assertEquals(e.name(), ErrorCode.of(e).name());
    }
}
