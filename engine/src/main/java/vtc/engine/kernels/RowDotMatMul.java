package vtc.engine.kernels;

import static vtc.engine.kernels.DecodeKernels.WEIGHT_ROWS;
import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/**
 * The few-rows path of {@link MatMul} (decode, short prompts): each output is a dot product
 * along k of an activation row with a weight row, four weight rows at a time.
 *
 * <p>With one activation row the work is bound by reading the weights, so {@link DecodeKernels}
 * streams the four rows through the whole of k straight from the stored weights, widening in
 * registers: nothing is staged, and no weight byte is read twice from memory (with two or three
 * rows, each row does the same; the later ones find the weights in L2). F16 is the exception:
 * its four rows are widened a window at a time into an L1-sized buffer ({@link #windowed}
 * says why). From four activation rows on, the four weight rows are first widened once into an L2-sized buffer, then
 * {@link WidenedTiles} runs four activation rows at a time against them, so the widening is
 * shared by all rows.
 */
final class RowDotMatMul {

    /** Weight rows per unit of work. */
    static final int GROUP = WEIGHT_ROWS;

    /** Columns of the F16 window: four rows of it as float32 (8 KB) stay in L1 beside x. */
    static final int F16_WINDOW = 512;

    /** Per-thread buffers: the unreduced tile, and the widened weight rows (grown to the largest k met). */
    private static final class Scratch {
        final float[] tile = new float[WidenedTiles.ROWS * GROUP * LANES];
        final float[] window = new float[GROUP * F16_WINDOW];
        float[] widened = new float[0];

        float[] widened(int k) {
            if (widened.length < GROUP * k) {
                widened = new float[GROUP * k];
            }
            return widened;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private RowDotMatMul() {
    }

    /**
     * Computes {@code out[0..m) × [j0..j1)}, with {@code j1 − j0 ≤ GROUP}. A group of fewer than
     * four weight rows repeats its last row in the spare slots and drops those results.
     */
    static void rows(float[] x, int xOff, int m, WeightMatrix w, float[] bias,
                     float[] out, int outOff, int j0, int j1) {
        Scratch s = SCRATCH.get();
        if (m < WidenedTiles.ROWS) {
            for (int i = 0; i < m; i++) {
                if (w.dtype() == DType.F16) {
                    windowed(x, xOff + i * w.cols(), w, bias, out, outOff + i * w.rows(), j0, j1, s);
                } else {
                    streamed(x, xOff + i * w.cols(), w, bias, out, outOff + i * w.rows(), j0, j1, s.tile);
                }
            }
        } else {
            widened(x, xOff, m, w, bias, out, outOff, j0, j1, s);
        }
    }

    private static void streamed(float[] x, int xo, WeightMatrix w, float[] bias,
                                 float[] out, int o, int j0, int j1, float[] tile) {
        int kv = vectorColumns(w);
        long w0 = w.rowOffset(j0);
        long w1 = w.rowOffset(Math.min(j0 + 1, j1 - 1));
        long w2 = w.rowOffset(Math.min(j0 + 2, j1 - 1));
        long w3 = w.rowOffset(Math.min(j0 + 3, j1 - 1));
        DecodeKernels.run(w, w0, w1, w2, w3, kv, x, xo, tile);
        finish(1, tile, x, xo, w, bias, out, o, j0, j1);
    }

    /**
     * F16 with one activation row: the four weight rows are widened {@link #F16_WINDOW} columns at
     * a time with the CPU's F16 conversion ({@link WeightVectors#widen}) into an L1-resident
     * buffer, and multiplied from there at the F32 rate. Widening in registers with integer and
     * float operations, as BF16 is, would look cheaper, but F16 has no such exact recipe without
     * a multiply that rebiases the exponent, and that multiply meets every F16 subnormal as a
     * float32 subnormal: on x86 an operation with a subnormal operand takes a microcode assist
     * costing on the order of a hundred cycles. Trained or Gaussian (σ = 0.02) weights have
     * about one subnormal F16 in 400, so several percent of 16-wide vectors hold one; measured on
     * one core with the rows in L1, such a kernel ran at a third of its speed on the same weights
     * with the subnormals removed, and at about half the speed of this window.
     */
    private static void windowed(float[] x, int xo, WeightMatrix w, float[] bias, float[] out, int o,
                                 int j0, int j1, Scratch s) {
        int kv = vectorColumns(w);
        Arrays.fill(s.tile, 0, GROUP * LANES, 0f);
        for (int c = 0; c < kv; c += F16_WINDOW) {
            int n = Math.min(F16_WINDOW, kv - c);
            for (int r = 0; r < GROUP; r++) {
                WeightVectors.widen(w, Math.min(j0 + r, j1 - 1), c, n, s.window, r * F16_WINDOW);
            }
            WidenedTiles.addTile1(s.window, F16_WINDOW, n, x, xo + c, s.tile);
        }
        finish(1, s.tile, x, xo, w, bias, out, o, j0, j1);
    }

    private static void widened(float[] x, int xOff, int m, WeightMatrix w, float[] bias,
                                float[] out, int outOff, int j0, int j1, Scratch s) {
        int k = w.cols();
        int n = w.rows();
        int kv = vectorColumns(w);
        float[] wide = s.widened(k);
        for (int r = 0; r < GROUP; r++) {
            int j = Math.min(j0 + r, j1 - 1);
            WeightVectors.widen(w, j, 0, kv, wide, r * k);
        }
        int i = 0;
        for (; i + WidenedTiles.ROWS <= m; i += WidenedTiles.ROWS) {
            WidenedTiles.tile4(wide, k, kv, x, xOff + i * k, s.tile);
            finish(WidenedTiles.ROWS, s.tile, x, xOff + i * k, w, bias, out, outOff + i * n, j0, j1);
        }
        for (; i < m; i++) {
            Arrays.fill(s.tile, 0, GROUP * LANES, 0f);
            WidenedTiles.addTile1(wide, k, kv, x, xOff + i * k, s.tile);
            finish(1, s.tile, x, xOff + i * k, w, bias, out, outOff + i * n, j0, j1);
        }
    }

    /** Columns covered by whole vectors; the rest is summed by {@link #scalarDot}. */
    private static int vectorColumns(WeightMatrix w) {
        return w.cols() - w.cols() % LANES;
    }

    /**
     * {@code out[i][j] = bias[j] + x[i] · w[j]} for {@code rows} activation rows from the
     * unreduced {@code tile} plus the columns past the last whole vector.
     */
    private static void finish(int rows, float[] tile, float[] x, int xo, WeightMatrix w,
                               float[] bias, float[] out, int o, int j0, int j1) {
        int k = w.cols();
        int n = w.rows();
        int kv = vectorColumns(w);
        for (int i = 0; i < rows; i++) {
            int xi = xo + i * k;
            for (int j = j0; j < j1; j++) {
                float dot = lanesSum(tile, (i * GROUP + j - j0) * LANES) + scalarDot(x, xi, w, j, kv, k);
                out[o + i * n + j] = bias == null ? dot : bias[j] + dot;
            }
        }
    }

    private static float lanesSum(float[] tile, int t) {
        return FloatVector.fromArray(FLOATS, tile, t).reduceLanes(VectorOperators.ADD);
    }

    /** {@code Σ x[xi + c] · w[j][c]} over {@code c ∈ [c0, c1)}, one exactly widened weight at a time. */
    private static float scalarDot(float[] x, int xi, WeightMatrix w, int j, int c0, int c1) {
        float sum = 0f;
        for (int c = c0; c < c1; c++) {
            sum += x[xi + c] * WeightVectors.scalar(w, j, c);
        }
        return sum;
    }
}
