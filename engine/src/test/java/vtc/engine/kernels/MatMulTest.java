package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static vtc.engine.NaiveOps.gaussian;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;

/**
 * {@link MatMul} against a double-precision reference computed from the values the stored
 * weights represent (so F16/BF16 rounding of the weights is not counted as kernel error).
 *
 * <p>Tolerance: |got − ref| ≤ 1e-5 · Σ|x·w| + 1e-6. A float32 sum of k products (FMA or not, any
 * order) has error ≤ ~k·2⁻²⁴·Σ|x·w|; for k ≤ 100 that is ≤ 6e-6·Σ|x·w|, and for the k = 1000
 * cases the blocked order keeps it well below 1e-5 in practice (errors of random sign).
 */
class MatMulTest {

    private static final int[] M = {1, 2, 3, 5, 17};
    private static final int[] K = {1, 3, 17, 64, 100};
    private static final int[] N = {1, 7, 33};
    private static Parallel one;
    private static Parallel two;
    private static Parallel three;

    @BeforeAll
    static void pools() {
        one = new Parallel(1);
        two = new Parallel(2);
        three = new Parallel(3);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
        three.close();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void oddShapesAndTailsMatchReference(DType dtype) {
        Random random = new Random(42);
        for (int m : M) {
            for (int k : K) {
                for (int n : N) {
                    for (Parallel p : new Parallel[] {one, two, three}) {
                        check(random, dtype, m, k, n, p, random.nextBoolean(), 3, 5);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void blockedPathAcrossBlockAndPanelEdges(DType dtype) {
        Random random = new Random(7);
        // m ≥ BLOCKED_MIN_ROWS takes the packed path; n crosses a 256-feature block and a 64-wide panel,
        // k crosses the 256-deep k-block, m leaves rows after the 6-row tiles.
        int m = MatMul.BLOCKED_MIN_ROWS;
        check(random, dtype, m, 300, 333, two, true, 0, 0);
        check(random, dtype, m + 7, 520, 70, three, false, 2, 1);
        check(random, dtype, m + 45, 257, 1, two, true, 0, 0);
        check(random, dtype, m + 2, 1000, 257, one, true, 0, 0);
    }

    @Test
    void f16SubnormalInfinityAndNanWeightsReachTheOutput() {
        // Subnormal F16 weights (2^-24 .. 2^-14) times large activations, through every path.
        int k = 40;
        float[] weights = new float[k * 17];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Float.float16ToFloat((short) (1 + (i * 37) % 0x3FF)) * (i % 2 == 0 ? 1 : -1);
        }
        WeightMatrix w = TestWeights.matrix("subnormals", DType.F16, 17, k, weights);
        for (int m : new int[] {1, 5, MatMul.BLOCKED_MIN_ROWS + 1}) {
            float[] x = filled(m * k, 4096f);
            float[] out = new float[m * 17];
            MatMul.matmul(two, x, 0, m, w, null, out, 0);
            for (int j = 0; j < 17; j++) {
                double ref = 0;
                for (int c = 0; c < k; c++) {
                    ref += 4096.0 * weights[j * k + c];
                }
                assertEquals(ref, out[(m - 1) * 17 + j], 1e-6 * Math.abs(ref) + 1e-9, "m=" + m + " j=" + j);
            }
        }
        float[] row = filled(20, 1f);
        row[17] = Float.POSITIVE_INFINITY;
        assertEquals(Float.POSITIVE_INFINITY, single(DType.F16, row));
        row[17] = Float.NaN;
        assertEquals(Float.NaN, single(DType.F16, row));
        row[17] = Float.NEGATIVE_INFINITY;
        assertEquals(Float.NEGATIVE_INFINITY, single(DType.BF16, row));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void streamingPathAtDecoderDepths(DType dtype) {
        Random random = new Random(11);
        // m < BLOCKED_MIN_ROWS runs whole weight rows: streamed for m = 1, else widened once and
        // shared by 4-row activation tiles plus single rows; k long enough for many vector steps
        // and a tail, n leaving a partial group of weight rows.
        for (int m : new int[] {1, 4, 7, 15, MatMul.BLOCKED_MIN_ROWS - 1}) {
            check(random, dtype, m, 1000, 9, two, m % 2 == 1, 1, 2);
        }
        check(random, dtype, 1, 2048, 64, one, false, 0, 0);
    }

    @Test
    void f16InfinityAndNanInsideVectorStepsReachOnlyTheirRows() {
        // The streaming kernels widen F16 without special cases and redo a group that met an
        // exponent of all ones; the other rows of that group must keep their exact values.
        int k = 40;
        int n = 6;
        Random random = new Random(5);
        float[] weights = new float[n * k];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 0.25f + random.nextFloat();
        }
        weights[k + 3] = Float.POSITIVE_INFINITY;
        weights[4 * k + 20] = Float.NaN;
        weights[5 * k + 7] = Float.NEGATIVE_INFINITY;
        WeightMatrix w = TestWeights.matrix("specials", DType.F16, n, k, weights);
        for (int m : new int[] {1, 4, 5}) {
            float[] x = gaussian(random, m * k);
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.abs(x[i]) + 0.1f;
            }
            float[] out = new float[m * n];
            MatMul.matmul(two, x, 0, m, w, null, out, 0);
            for (int i = 0; i < m; i++) {
                assertEquals(Float.POSITIVE_INFINITY, out[i * n + 1], "m=" + m + " row " + i);
                assertEquals(Float.NaN, out[i * n + 4], "m=" + m + " row " + i);
                assertEquals(Float.NEGATIVE_INFINITY, out[i * n + 5], "m=" + m + " row " + i);
                for (int j : new int[] {0, 2, 3}) {
                    double ref = 0;
                    for (int c = 0; c < k; c++) {
                        ref += (double) x[i * k + c] * TestWeights.stored(DType.F16, weights[j * k + c]);
                    }
                    // All terms positive: float32 summation error ≤ k·2⁻²⁴·ref.
                    assertEquals(ref, out[i * n + j], 3e-6 * ref, "m=" + m + " out[" + i + "][" + j + "]");
                }
            }
        }
    }

    private static float single(DType dtype, float[] row) {
        float[] out = new float[1];
        MatMul.matmul(one, filled(row.length, 1f), 0, 1,
                TestWeights.matrix("row", dtype, 1, row.length, row), null, out, 0);
        return out[0];
    }

    @Test
    void offsetsAreHonoured() {
        Random random = new Random(3);
        int m = 18, k = 33, n = 7;
        float[] weights = gaussian(random, n * k);
        WeightMatrix w = TestWeights.matrix("w", DType.F32, n, k, weights);
        float[] x = gaussian(random, 5 + m * k);
        float[] out = new float[9 + m * n + 4];
        java.util.Arrays.fill(out, 42f);
        MatMul.matmul(two, x, 5, m, w, null, out, 9);
        for (int i = 0; i < 9; i++) {
            assertEquals(42f, out[i]);
        }
        for (int i = 9 + m * n; i < out.length; i++) {
            assertEquals(42f, out[i]);
        }
        double ref = 0;
        for (int c = 0; c < k; c++) {
            ref += (double) x[5 + 17 * k + c] * weights[3 * k + c];
        }
        assertEquals(ref, out[9 + 17 * n + 3], 1e-4);
    }

    @Test
    void shortArraysAreRejectedNamingTheWeight() {
        WeightMatrix w = TestWeights.matrix("layers.0.fc1", DType.F32, 4, 8, new float[32]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(one, new float[15], 0, 2, w, null, new float[8], 0));
        if (!e.getMessage().contains("layers.0.fc1")) {
            fail("message should name the weight: " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(one, new float[16], 0, 2, w, null, new float[7], 0));
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(one, new float[16], 0, 2, w, new float[3], new float[8], 0));
    }

    private static void check(Random random, DType dtype, int m, int k, int n, Parallel p,
                              boolean withBias, int xOff, int outOff) {
        float[] weights = gaussian(random, n * k);
        WeightMatrix w = TestWeights.matrix("w", dtype, n, k, weights);
        if (random.nextBoolean()) {
            w = w.scannedForFinite(); // F16: the kernel without the per-vector infinity/NaN check
        }
        float[] x = gaussian(random, xOff + m * k);
        float[] bias = withBias ? gaussian(random, n) : null;
        float[] out = new float[outOff + m * n];
        MatMul.matmul(p, x, xOff, m, w, bias, out, outOff);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double ref = bias == null ? 0 : bias[j];
                double magnitude = Math.abs(ref);
                for (int c = 0; c < k; c++) {
                    double term = x[xOff + i * k + c] * (double) w.get(j, c); // the stored value, widened exactly
                    ref += term;
                    magnitude += Math.abs(term);
                }
                double got = out[outOff + i * n + j];
                double tol = 1e-5 * magnitude + 1e-6;
                if (Math.abs(got - ref) > tol) {
                    fail(String.format("%s m=%d k=%d n=%d threads=%d out[%d][%d]=%s ref=%s tol=%s",
                            dtype, m, k, n, p.threads(), i, j, got, ref, tol));
                }
            }
        }
    }

    /**
     * Both Q8_0 decode kernels, called directly (the one with a block as two vector halves runs
     * where vectors are 512 bits, the looped one elsewhere), against the dequantized values in
     * double; same float32 summation tolerance as {@link #check}.
     */
    @Test
    void bothQ8DecodeKernelsMatchTheirDequantizedValues() {
        Random random = new Random(13);
        int k = 8 * Q8Quantizer.BLOCK;
        int xo = 3;
        float[] x = gaussian(random, xo + k);
        WeightMatrix w = TestWeights.matrix("q", DType.Q8_0, 4, k, gaussian(random, 4 * k));
        long scales = w.scaleOffset(0, 0);
        for (boolean looped : new boolean[] {false, true}) {
            if (!looped && 2 * WeightVectors.LANES != Q8Quantizer.BLOCK) {
                continue; // two halves of one vector each cover a block only with 16 float lanes
            }
            float[] tile = new float[4 * WeightVectors.LANES];
            if (looped) {
                DecodeKernels.dotQ8Looped(w.data(), w.rowOffset(0), w.rowOffset(1), w.rowOffset(2), w.rowOffset(3),
                        scales, k, x, xo, tile);
            } else {
                DecodeKernels.dotQ8(w.data(), w.rowOffset(0), w.rowOffset(1), w.rowOffset(2), w.rowOffset(3),
                        scales, k, x, xo, tile);
            }
            for (int r = 0; r < 4; r++) {
                double got = 0;
                for (int lane = 0; lane < WeightVectors.LANES; lane++) {
                    got += tile[r * WeightVectors.LANES + lane];
                }
                double ref = 0;
                double magnitude = 0;
                for (int c = 0; c < k; c++) {
                    double term = x[xo + c] * (double) w.get(r, c);
                    ref += term;
                    magnitude += Math.abs(term);
                }
                assertEquals(ref, got, 1e-5 * magnitude, (looped ? "looped" : "halves") + " kernel, row " + r);
            }
        }
    }

    /**
     * Q8_0 through every path (streamed decode rows, widened few rows, blocked prompt) against the
     * dequantized values {@code q · scale} in double: the kernels widen int8 exactly, so only
     * float32 summation error remains (same tolerance as the other dtypes). The quantization
     * error itself is bounded in {@code Q8QuantizerTest}.
     */
    @Test
    void q8MatchesItsDequantizedValuesOnEveryPath() {
        Random random = new Random(11);
        try (Parallel one = new Parallel(1); Parallel two = new Parallel(2)) {
            for (int m : new int[] {1, 2, 3, 4, 7, 15, MatMul.BLOCKED_MIN_ROWS + 5}) {
                check(random, DType.Q8_0, m, 320, 37, two, m % 2 == 1, 1, 2);
            }
            check(random, DType.Q8_0, 1, 2048, 64, one, false, 0, 0);
            check(random, DType.Q8_0, MatMul.BLOCKED_MIN_ROWS, 32, 70, one, true, 0, 3);
        }
    }

    /**
     * The error Q8_0 adds to a product, against the unquantized F32 weights: each weight moves
     * by at most half its block's step {@code d_b = max|w_b| / 127}, so output j moves by at most
     * {@code Σ_b d_b / 2 · Σ_{i∈b} |x_i|}; float32 summation adds its usual
     * {@code 1e-5 · Σ|x·w|}. Checked on the decode path (1 row) and the prompt paths at k = 4096.
     */
    @Test
    void q8ErrorAgainstF32StaysWithinHalfAStepPerWeight() {
        Random random = new Random(12);
        int k = 4096, n = 24;
        float[] weights = gaussian(random, n * k);
        for (int i = 0; i < weights.length; i += 97) {
            weights[i] *= 8; // outliers widen their block's step
        }
        WeightMatrix q8 = TestWeights.matrix("w", DType.Q8_0, n, k, weights);
        try (Parallel two = new Parallel(2)) {
            for (int m : new int[] {1, 5, MatMul.BLOCKED_MIN_ROWS}) {
                float[] x = gaussian(random, m * k);
                float[] out = new float[m * n];
                MatMul.matmul(two, x, 0, m, q8, null, out, 0);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double exact = 0, magnitude = 0, bound = 0;
                        for (int b = 0; b < k; b += 32) {
                            double max = 0, xs = 0;
                            for (int c = b; c < b + 32; c++) {
                                exact += (double) x[i * k + c] * weights[j * k + c];
                                magnitude += Math.abs((double) x[i * k + c] * weights[j * k + c]);
                                max = Math.max(max, Math.abs(weights[j * k + c]));
                                xs += Math.abs(x[i * k + c]);
                            }
                            bound += max / 127 / 2 * xs;
                        }
                        double err = Math.abs(out[i * n + j] - exact);
                        double tol = bound * (1 + 1e-4) + 1e-5 * magnitude;
                        if (err > tol) {
                            fail(String.format("Q8_0 m=%d out[%d][%d]: error %s > bound %s", m, i, j, err, tol));
                        }
                    }
                }
            }
        }
    }

    private static float[] identityScaled(float[] diagonalPerColumn) {
        int k = diagonalPerColumn.length;
        float[] w = new float[k * k];
        for (int j = 0; j < k; j++) {
            for (int c = 0; c < k; c++) {
                w[j * k + c] = diagonalPerColumn[c];
            }
        }
        return w;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
