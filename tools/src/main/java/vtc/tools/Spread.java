package vtc.tools;

import java.util.Arrays;
import java.util.Locale;

/**
 * What repeated timings of one figure say: the median (robust to the one run a noisy neighbour
 * slowed down), the range, and the mean ± sample standard deviation. A difference smaller than
 * the range is not a difference.
 */
record Spread(double median, double min, double max, double mean, double stddev, int count) {

    static Spread of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double mean = 0;
        for (double v : sorted) {
            mean += v;
        }
        mean /= n;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        double stddev = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        return new Spread(median, sorted[0], sorted[n - 1], mean, stddev, n);
    }

    /** "12.34 (11.90–13.02)": the median and the range, or the value alone for one run. */
    String format(String pattern) {
        String m = String.format(Locale.ROOT, pattern, median);
        return count == 1 ? m : m + " (" + String.format(Locale.ROOT, pattern, min) + "–" + String.format(Locale.ROOT, pattern, max) + ")";
    }
}
