package org.sparkimage.image;

import java.io.Serializable;
import java.time.Duration;

/**
 * What one decode may cost.
 *
 * @param maxPixels  largest declared width*height decoded; larger images are TOO_LARGE, refused
 *                   from the header (1..{@link #MAX_PIXEL_LIMIT})
 * @param timeBudget wall time one decode may take before it is stopped as TIMEOUT
 */
public record DecodeLimits(long maxPixels, Duration timeBudget) implements Serializable {
    /** 100 MP: between Pillow's warning (~89 MP) and refusal (~179 MP) thresholds. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /**
     * 20 s: a 48 MP JPEG takes ~2 s through javax.imageio on one busy core, so only pathological
     * files (CPU bombs) come near it.
     */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(20);
    /** Largest accepted limit: a 4-band 8-bit raster of that many pixels still fits one Java array. */
    public static final long MAX_PIXEL_LIMIT = Integer.MAX_VALUE / 4;
    public static final DecodeLimits DEFAULT = new DecodeLimits(DEFAULT_MAX_PIXELS, DEFAULT_TIME_BUDGET);

    public DecodeLimits {
        if (maxPixels < 1 || maxPixels > MAX_PIXEL_LIMIT) {
            throw new IllegalArgumentException("pixel limit must be in 1.." + MAX_PIXEL_LIMIT + ", got " + maxPixels);
        }
        if (timeBudget == null || timeBudget.isNegative() || timeBudget.isZero()) {
            throw new IllegalArgumentException("decode time budget must be positive, got " + timeBudget);
        }
    }

    public DecodeLimits withMaxPixels(long pixels) {
        return new DecodeLimits(pixels, timeBudget);
    }

    public DecodeLimits withTimeBudget(Duration budget) {
        return new DecodeLimits(maxPixels, budget);
    }
}
