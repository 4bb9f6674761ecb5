package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.fail;
import static vtc.engine.NaiveOps.gaussian;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** LayerNorm and RMSNorm against double references, for lengths that exercise vector bodies and tails. */
class NormsTest {

    private static final int[] LENGTHS = {1, 3, 7, 8, 17, 64, 100, 1024, 4099};

    /**
     * Tolerance 1e-6 relative to |x̂·w| + |b| (the terms of the final sum): statistics and x̂ are
     * computed in double, only x̂ rounding and one fused multiply-add happen in float. Rows are
     * offset by 100 so a float mean would fail it through cancellation.
     */
    @Test
    void layerNormMatchesDoubleReference() {
        Random random = new Random(11);
        for (int n : LENGTHS) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (100 + random.nextGaussian());
            }
            float[] w = gaussian(random, n);
            float[] b = gaussian(random, n);
            float[] out = new float[n + 1];
            Norms.layerNorm(x, 2, n, w, b, 1e-5f, out, 1);
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[2 + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (x[2 + i] - mean) * (x[2 + i] - mean);
            }
            var /= n;
            for (int i = 0; i < n; i++) {
                double scaled = (x[2 + i] - mean) / Math.sqrt(var + 1e-5f) * w[i];
                double ref = scaled + b[i];
                double tol = 1e-6 * (Math.abs(scaled) + Math.abs(b[i]));
                if (Math.abs(out[1 + i] - ref) > tol) {
                    fail("layerNorm n=" + n + " i=" + i + ": " + out[1 + i] + " vs " + ref);
                }
            }
        }
    }

    /**
     * HF's float32 recipe: mean of squares rounded to float, + eps in float, rsqrt, (x·inv)·w.
     * Compared with the same formula in double: about five float roundings, so 1e-6 relative.
     */
    @Test
    void rmsNormMatchesDoubleReference() {
        Random random = new Random(12);
        for (int n : LENGTHS) {
            float[] x = gaussian(random, n + 3);
            float[] w = gaussian(random, n);
            float[] out = new float[n];
            Norms.rmsNorm(x, 3, n, w, 1e-6f, out, 0);
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += (double) x[3 + i] * x[3 + i];
            }
            double inv = 1 / Math.sqrt(ss / n + 1e-6f);
            for (int i = 0; i < n; i++) {
                double ref = x[3 + i] * inv * w[i];
                if (Math.abs(out[i] - ref) > 1e-6 * Math.abs(ref) + 1e-30) {
                    fail("rmsNorm n=" + n + " i=" + i + ": " + out[i] + " vs " + ref);
                }
            }
        }
    }
}
