package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vtc.engine.NaiveOps.gaussian;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Vector operations against double references at lengths around the vector width. */
class VectorOpsTest {

    private static final int[] LENGTHS = {0, 1, 5, 15, 16, 17, 31, 32, 33, 63, 100, 1000};

    /** A float sum of n products (two lane-wise accumulators, then lanes): error ≤ (n/16 + 5)·2⁻²⁴·Σ|ab|. */
    @Test
    void dot() {
        Random random = new Random(21);
        for (int n : LENGTHS) {
            float[] a = gaussian(random, n + 1);
            float[] b = gaussian(random, n + 2);
            double ref = 0;
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                ref += (double) a[1 + i] * b[2 + i];
                magnitude += Math.abs((double) a[1 + i] * b[2 + i]);
            }
            assertEquals(ref, VectorOps.dot(a, 1, b, 2, n), (n / 16.0 + 5) * 0x1p-24 * magnitude, "n=" + n);
        }
    }

    /** One rounding per element: 2⁻²⁴ relative. */
    @Test
    void addAndScale() {
        Random random = new Random(22);
        for (int n : LENGTHS) {
            float[] x = gaussian(random, n + 3);
            float[] y = gaussian(random, n + 1);
            float alpha = 0.37f;
            float[] add = y.clone();
            VectorOps.add(add, 1, x, 3, n);
            float[] scaled = y.clone();
            VectorOps.scale(scaled, 1, n, alpha);
            assertEquals(y[0], add[0]);
            assertEquals(y[0], scaled[0]);
            for (int i = 0; i < n; i++) {
                double yi = y[1 + i];
                double xi = x[3 + i];
                assertEquals(yi + xi, add[1 + i], 0x1p-24 * (Math.abs(yi) + Math.abs(xi)), "add");
                assertEquals(yi * alpha, scaled[1 + i], 0x1p-24 * Math.abs(yi * alpha), "scale");
            }
        }
    }
}
