package vtc.engine.kernels;

/** The error function, which {@link Math} lacks. (Placeholder: Abramowitz–Stegun 7.1.26.) */
final class Erf {

    private Erf() {
    }

    static double erf(double x) {
        double t = 1.0 / (1.0 + 0.3275911 * Math.abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
