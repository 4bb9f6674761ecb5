package vtc.pruning.analysis;

/**
 * Spearman's rank correlation: the Pearson correlation of the two samples' average ranks, so
 * it measures whether two importance vectors order the tokens alike, whatever their scales.
 */
public final class SpearmanCorrelation {

    private SpearmanCorrelation() {
    }

    /**
     * ρ in [−1, 1]; NaN when either sample is constant (every token tied: no order to compare).
     */
    public static double of(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("samples differ in length: " + a.length + " vs " + b.length);
        }
        if (a.length < 2) {
            throw new IllegalArgumentException("a correlation needs at least two values, got " + a.length);
        }
        return pearson(Ranks.average(a), Ranks.average(b));
    }

    private static double pearson(double[] x, double[] y) {
        double meanX = mean(x);
        double meanY = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
