package org.sparkimage.image;

import java.util.Arrays;

/**
 * Checks that the scans of a JPEG follow a legal progression (ITU T.81 G.1.1.1) before anything is
 * decoded. A decoder redoes the work of every scan over the whole coefficient buffer, so a file
 * that repeats one scan thousands of times is a CPU bomb; libjpeg merely warns about some such
 * files and misses a repeated first pass at Al=0 entirely. Here every scan must add information:
 * <ul>
 *   <li>sequential frames: each component in at most one scan;</li>
 *   <li>progressive frames: DC-only or single-component AC bands, DC before AC, a coefficient's
 *       first scan with Ah=0, and every later scan refining exactly one bit (Ah = previous Al,
 *       Al = Ah - 1).</li>
 * </ul>
 * Violations are CORRUPT, the outcome libjpeg's own "bogus progression" warning leads to anyway.
 */
final class JpegScanProgression {
    private static final int MAX_AL = 13;

    private final int[] componentIds;
    private final boolean progressive;
    /** Per component and coefficient: the Al of the last scan that coded it, -1 before its first scan. */
    private final int[][] coefficientBits;
    private int scans;

    JpegScanProgression(int[] componentIds, boolean progressive) {
        this.componentIds = componentIds.clone();
        this.progressive = progressive;
        this.coefficientBits = new int[componentIds.length][64];
        for (int[] bits : coefficientBits) Arrays.fill(bits, -1);
    }

    int scans() {
        return scans;
    }

    /** One SOS header: its component ids and spectral/approximation parameters. */
    void accept(int[] scanComponents, int ss, int se, int ah, int al) throws ImageDecodeException {
        scans++;
        int[] indices = new int[scanComponents.length];
        for (int i = 0; i < scanComponents.length; i++) indices[i] = indexOf(scanComponents[i]);
        if (progressive) acceptProgressive(indices, ss, se, ah, al);
        else acceptSequential(indices);
    }

    private void acceptSequential(int[] indices) throws ImageDecodeException {
        for (int c : indices) {
            if (coefficientBits[c][0] >= 0) throw corrupt("component " + componentIds[c] + " is coded by more than one scan");
            coefficientBits[c][0] = 0;
        }
    }

    private void acceptProgressive(int[] indices, int ss, int se, int ah, int al) throws ImageDecodeException {
        if (ss > se || se > 63) throw corrupt("spectral band " + ss + ".." + se + " is invalid");
        if (ss == 0 && se != 0) throw corrupt("a DC scan also codes AC coefficients 1.." + se);
        if (ss > 0 && indices.length != 1) throw corrupt("an AC scan codes " + indices.length + " components");
        if (al > MAX_AL || (ah != 0 && al != ah - 1)) throw corrupt("successive approximation Ah=" + ah + " Al=" + al + " is invalid");
        for (int c : indices) {
            int[] bits = coefficientBits[c];
            if (ss > 0 && bits[0] < 0) throw corrupt("AC coefficients of component " + componentIds[c] + " come before its DC scan");
            for (int k = ss; k <= se; k++) {
                boolean first = bits[k] < 0;
                if (first ? ah != 0 : ah != bits[k] || ah == 0) {
                    throw corrupt(String.format("scan %d recodes coefficients %d..%d of component %d (Ah=%d, Al=%d after Al=%d)",
                            scans, ss, se, componentIds[c], ah, al, bits[k]));
                }
                bits[k] = al;
            }
        }
    }

    private int indexOf(int componentId) throws ImageDecodeException {
        for (int i = 0; i < componentIds.length; i++) if (componentIds[i] == componentId) return i;
        throw corrupt("scan " + scans + " names component " + componentId + ", which the frame does not have");
    }

    private static ImageDecodeException corrupt(String what) {
        return new ImageDecodeException(ImageError.CORRUPT, "JPEG scan progression is invalid: " + what);
    }
}
