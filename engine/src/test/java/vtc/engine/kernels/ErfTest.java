package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Cody's erfc (through erf = 1 − erfc) against published values and against an independent double reference: the
 * Maclaurin series for |x| ≤ 2 (cancellation costs at most ~1e-15 there) and the continued
 * fraction of erfc beyond. Tolerance 1e-13 absolute: far below the 1e-7 the GELU needs, and
 * tight enough that any mistyped coefficient would show.
 */
class ErfTest {

    @Test
    void publishedValues() {
        assertEquals(0.5204998778130465, erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, erf(2.0), 1e-15);
        assertEquals(0.9999779095030014, erf(3.0), 1e-15);
        assertEquals(-0.1124629160182849, erf(-0.1), 1e-15);
        assertEquals(0.0, erf(0.0), 0.0);
        assertEquals(1.0, erf(30.0), 0.0);
        assertEquals(-1.0, erf(Double.NEGATIVE_INFINITY), 0.0);
        assertEquals(Double.NaN, erf(Double.NaN));
    }

    @Test
    void denseGridAcrossAllThreeRanges() {
        for (double x = -7; x <= 7; x += 0.001953125 * 3.1) {
            assertEquals(reference(x), erf(x), 1e-13, "erf(" + x + ")");
        }
        for (double x : new double[] {0.46875, Math.nextUp(0.46875), 4.0, Math.nextUp(4.0), 1e-300, 1e-9}) {
            assertEquals(reference(x), erf(x), 1e-13, "erf(" + x + ")");
        }
    }

    @Test
    void erfcKeepsRelativeAccuracyInTheTails() {
        for (double x = -6; x <= 6; x += 0.0137) {
            double ref = referenceErfc(x);
            // 1e-13 relative, plus the reference's own 3e-14 absolute error where it uses 1 − series
            assertEquals(ref, Erf.erfc(x), 1e-13 * ref + (x > 2 ? 0 : 3e-14), "erfc(" + x + ")");
        }
    }

    /** The GELU only needs erfc; erf is its complement. */
    private static double erf(double x) {
        return 1 - Erf.erfc(x);
    }

    /** erfc without cancellation: the continued fraction where erfc is small. */
    static double referenceErfc(double x) {
        return x > 2 ? continuedFractionErfc(x) : 1 - reference(x);
    }

    static double reference(double x) {
        double y = Math.abs(x);
        double r = y <= 2 ? series(y) : 1 - continuedFractionErfc(y);
        return x < 0 ? -r : r;
    }

    private static double series(double x) {
        double sum = 0;
        double power = x; // x^(2n+1) / n!, with alternating sign
        for (int n = 0; n < 200; n++) {
            double term = power / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-18 * Math.abs(sum)) {
                break;
            }
            power *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static double continuedFractionErfc(double x) {
        double k = x;
        for (int n = 200; n >= 1; n--) {
            k = x + n / 2.0 / k;
        }
        return Math.exp(-x * x) / (Math.sqrt(Math.PI) * k);
    }
}
