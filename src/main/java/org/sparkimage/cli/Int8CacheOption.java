package org.sparkimage.cli;

import org.sparkimage.core.Int8Cache;

/** The help of {@code --int8-cache}, shared by {@code classify} and {@code quantize}. */
final class Int8CacheOption {
    private Int8CacheOption() {}

    /** What the option does (picocli expands nothing in it but {@code %%}). */
    static final String DESCRIPTION = "int8: folder on the driver where built int8 models are kept, keyed by the fp32 model,"
            + " the calibration files' sha256, method and image count: a rerun on the same files reuses the model without"
            + " decoding or calibrating (the files are still read, to hash them). '" + Int8Cache.NONE + "': no cache."
            + " Default: $XDG_CACHE_HOME/spark-image-classifier/int8, else ~/.cache/spark-image-classifier/int8.";
}
