package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static vtc.engine.NaiveOps.gaussian;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One attention row against a double reference, with keys and values as strided head slices
 * (as inside {@code [tokens, dim]} activations or a grouped-query KV cache).
 *
 * <p>Tolerances: probabilities 1e-5 relative (scores are float dot products of ≤ 128 terms of
 * size ~1, error ~1e-6 absolute, which exp turns into the same relative error, plus the softmax's
 * own rounding); outputs 1e-5 · Σ_j p_j·|v_j| (a float sum of weighted values over ≤ 300 keys).
 */
class AttentionTest {

    @Test
    void matchesDoubleReference() {
        Random random = new Random(41);
        for (int headDim : new int[] {8, 16, 64, 80, 128}) {
            for (int keys : new int[] {1, 5, 17, 300}) {
                int dim = 3 * headDim + 4; // row stride: three heads plus padding
                int col = headDim + 2;     // this head's slice
                float[] q = gaussian(random, 7 + headDim);
                float[] k = gaussian(random, keys * dim);
                float[] v = gaussian(random, keys * dim + 5);
                float scale = (float) (1 / Math.sqrt(headDim));
                float[] probs = new float[keys + 3];
                float[] out = new float[headDim + 1];
                Attention.attendRow(q, 7, k, col, dim, v, 5 + col, dim, keys, headDim, scale, probs, 3, out, 1);

                double[] p = new double[keys];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < keys; j++) {
                    double s = 0;
                    for (int c = 0; c < headDim; c++) {
                        s += (double) q[7 + c] * k[j * dim + col + c];
                    }
                    p[j] = s * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < keys; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int j = 0; j < keys; j++) {
                    p[j] /= sum;
                    assertEquals(p[j], probs[3 + j], 1e-5 * p[j], "prob " + j);
                }
                for (int c = 0; c < headDim; c++) {
                    double ref = 0;
                    double magnitude = 0;
                    for (int j = 0; j < keys; j++) {
                        double term = p[j] * v[5 + j * dim + col + c];
                        ref += term;
                        magnitude += Math.abs(term);
                    }
                    if (Math.abs(out[1 + c] - ref) > 1e-5 * magnitude) {
                        fail("headDim=" + headDim + " keys=" + keys + " out[" + c + "]=" + out[1 + c] + " ref=" + ref);
                    }
                }
            }
        }
    }

    @Test
    void noKeysIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Attention.attendRow(new float[4], 0, new float[4], 0, 4,
                new float[4], 0, 4, 0, 4, 1f, new float[1], 0, new float[4], 0));
    }
}
