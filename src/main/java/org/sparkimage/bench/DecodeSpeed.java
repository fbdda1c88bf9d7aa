package org.sparkimage.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sparkimage.image.ImageDecoder;
import org.sparkimage.image.Preprocessor;
import org.sparkimage.image.ScaleHint;

/**
 * Decode+preprocess throughput of several ways to decode the same files, as ratios against the
 * first way. The ways take turns within each round ({@link Ceilings#decode}, all threads), so a
 * burst of other load on the machine hits every way of a round alike; a ratio is the median of the
 * per-round ratios.
 */
final class DecodeSpeed {
    /** One way to decode: a decoder and the scale hint it is given. */
    record Way(String name, ImageDecoder decoder, ScaleHint hint) {}

    /**
     * @param names the ways, the baseline first
     * @param rates images/s, [way][round]
     */
    record Result(List<String> names, double[][] rates) {
        /** The median over rounds of way {@code w}'s rate divided by the baseline's in the same round. */
        double ratio(int w) {
            double[] r = new double[rates[w].length];
            for (int i = 0; i < r.length; i++) r[i] = rates[w][i] / rates[0][i];
            return DecodeSpeed.median(r);
        }

        /** The median over rounds of way {@code w}'s rate. */
        double median(int w) {
            return DecodeSpeed.median(rates[w]);
        }

        /** Per way: the rate per round, their median and the ratio to the baseline. */
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int w = 0; w < names.size(); w++) {
                Map<String, Object> way = new LinkedHashMap<>();
                way.put("images_per_sec_rounds", rates[w]);
                way.put("images_per_sec_median", median(w));
                way.put("ratio_to_" + names.get(0), ratio(w));
                m.put(names.get(w), way);
            }
            return m;
        }
    }

    private DecodeSpeed() {
    }

    /**
     * Measures every way {@code rounds} times, for at least {@code seconds} each, with
     * {@code threads} threads decoding and preprocessing {@code files} in passes.
     */
    static Result measure(List<Way> ways, Preprocessor pre, List<byte[]> files, int threads, double seconds, int rounds)
            throws Exception {
        double[][] rates = new double[ways.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int w = 0; w < ways.size(); w++) {
                Way way = ways.get(w);
                rates[w][r] = Ceilings.decode(way.decoder(), way.hint(), pre, files, threads, seconds).perSecond();
            }
        }
        List<String> names = new ArrayList<>();
        for (Way w : ways) names.add(w.name());
        return new Result(List.copyOf(names), rates);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? 0 : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
