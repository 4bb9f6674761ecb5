package vtc.loaders.image;

/**
 * Pillow's fixed-point BICUBIC coefficients for resampling one axis from {@code in} to {@code out} samples.
 *
 * <p>Output sample {@code o} is centred at {@code (o + 0.5) · in/out} in input coordinates. When shrinking, the
 * cubic kernel is stretched by the scale ({@code filterscale}) so every input sample contributes (antialiasing);
 * when enlarging it keeps its natural support of 2. The taps of one output are normalised to sum to 1 in double and
 * then rounded to integers with 22 fractional bits, the precision Pillow uses for 8-bit images. Every step below is
 * evaluated in the same order and precision as Pillow, because a one-ulp change in a weight can move a rounded
 * pixel by one level and the goldens are bit-exact.
 */
final class BicubicWeights {

    /** Fractional bits of a fixed-point weight: 32 − 8 (pixel) − 2 (headroom for the negative lobes). */
    static final int PRECISION_BITS = 22;
    /** Keys' free parameter; −0.5 makes the cubic interpolating and matches Pillow. */
    private static final double A = -0.5;
    private static final double SUPPORT = 2.0;

    /** First input index read by output {@code o}. */
    final int[] first;
    /** Number of input samples read by output {@code o}. */
    final int[] taps;
    /** Fixed-point weights, {@code stride} entries per output, the first {@code taps[o]} of them used. */
    final int[] weights;
    final int stride;

    private BicubicWeights(int[] first, int[] taps, int[] weights, int stride) {
        this.first = first;
        this.taps = taps;
        this.weights = weights;
        this.stride = stride;
    }

    static BicubicWeights of(int in, int out) {
        double scale = (double) in / out;
        double filterscale = Math.max(scale, 1.0);
        double support = SUPPORT * filterscale;
        double inverseFilterscale = 1.0 / filterscale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[out];
        int[] taps = new int[out];
        int[] weights = new int[out * stride];
        double[] w = new double[stride];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), in) - xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++) {
                w[x] = cubic((x + xmin - center + 0.5) * inverseFilterscale);
                sum += w[x];
            }
            for (int x = 0; x < xmax; x++) {
                double normalised = sum != 0.0 ? w[x] / sum : w[x];
                weights[o * stride + x] = toFixedPoint(normalised);
            }
            first[o] = xmin;
            taps[o] = xmax;
        }
        return new BicubicWeights(first, taps, weights, stride);
    }

    /** Keys' cubic convolution kernel with a = −0.5, in Pillow's Horner form. */
    static double cubic(double t) {
        double x = Math.abs(t);
        if (x < 1.0) {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0.0;
    }

    /** Rounds half away from zero to 22 fractional bits, as Pillow does. */
    private static int toFixedPoint(double w) {
        double scaled = w * (1 << PRECISION_BITS);
        return (int) (w < 0 ? scaled - 0.5 : scaled + 0.5);
    }
}
