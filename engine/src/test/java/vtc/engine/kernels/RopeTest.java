package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static vtc.engine.NaiveOps.gaussian;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RoPE against the rotate-half formula in double (angle = position · θ^(−2i/d) in double).
 * Tolerance 1e-6 · (|a| + |b|): cos and sin are rounded to float (2⁻²⁴ each) and each output is
 * two float products and a sum. A float32 angle would be off by up to ~2e-4 rad at position
 * 5000 and fail this.
 */
class RopeTest {

    @Test
    void rotatesPairsHalfAHeadApartAtLargePositions() {
        Random random = new Random(31);
        for (double theta : new double[] {1e4, 1e6}) {
            for (int headDim : new int[] {2, 10, 64, 128}) {
                Rope rope = new Rope(headDim, theta);
                for (int position : new int[] {0, 1, 7, 300, 4095, 4096, 5000, 9_999}) {
                    int heads = 3;
                    float[] x = gaussian(random, 5 + heads * headDim);
                    float[] got = x.clone();
                    rope.apply(got, 5, heads, position);
                    for (int i = 0; i < 5; i++) {
                        assertEquals(x[i], got[i]);
                    }
                    int half = headDim / 2;
                    for (int h = 0; h < heads; h++) {
                        int base = 5 + h * headDim;
                        for (int i = 0; i < half; i++) {
                            double angle = position * Math.pow(theta, -2.0 * i / headDim);
                            double a = x[base + i];
                            double b = x[base + half + i];
                            double tol = 1e-6 * (Math.abs(a) + Math.abs(b));
                            String at = "theta=" + theta + " d=" + headDim + " pos=" + position + " i=" + i;
                            assertEquals(a * Math.cos(angle) - b * Math.sin(angle), got[base + i], tol, at);
                            assertEquals(b * Math.cos(angle) + a * Math.sin(angle), got[base + half + i], tol, at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void rejectsOddHeadDimAndNegativePosition() {
        assertThrows(IllegalArgumentException.class, () -> new Rope(7, 1e4));
        assertThrows(IllegalArgumentException.class, () -> new Rope(8, 1e4).apply(new float[8], 0, 1, -1));
    }
}
