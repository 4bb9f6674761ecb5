package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

    /**
     * Against a double reference. Error budget, relative per element: float exp ≤ 2 ulps, the sum
     * is kept per lane in float (≤ n/16 additions each, ≤ n/16 · 2⁻²⁴), then one scaling:
     * (n/16 + 4) · 2⁻²⁴; plus the conditioning of exp: the float difference {@code x − max} is
     * rounded by up to 2⁻²⁴·|x − max|, which exp turns into the same relative error (inherent to
     * a float32 softmax).
     */
    @Test
    void matchesDoubleReferenceIncludingLargeLogits() {
        Random random = new Random(5);
        for (int n : new int[] {1, 2, 15, 16, 17, 100, 577, 4100}) {
            float[] x = new float[n + 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * 8 + 50); // large logits: needs the max shift
            }
            x[4 + n / 2] = Float.NEGATIVE_INFINITY; // a masked entry
            float[] got = x.clone();
            Softmax.softmax(got, 4, n);
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 4; i < 4 + n; i++) {
                max = Math.max(max, x[i]);
            }
            double sum = 0;
            for (int i = 4; i < 4 + n; i++) {
                sum += Math.exp(x[i] - max);
            }
            double tol = (n / 16.0 + 4) * 0x1p-24;
            for (int i = 4; i < 4 + n; i++) {
                double ref = Math.exp(x[i] - max) / sum;
                if (Math.abs(got[i] - ref) > (tol + Math.abs(x[i] - max) * 0x1p-24) * ref + 1e-37) {
                    fail("softmax n=" + n + " i=" + i + ": " + got[i] + " vs " + ref);
                }
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(x[i], got[i], "outside the row");
            }
        }
    }
}
