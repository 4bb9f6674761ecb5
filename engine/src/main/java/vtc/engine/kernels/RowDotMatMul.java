package vtc.engine.kernels;

import static vtc.engine.kernels.DecodeKernels.WEIGHT_ROWS;
import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.WeightMatrix;

/**
 * The few-rows path of {@link MatMul} (decode, short prompts): each output is a dot product
 * along k of an activation row with a weight row, four weight rows at a time.
 *
 * <p>With one activation row the work is bound by reading the weights, so {@link DecodeKernels}
 * streams the four rows through the whole of k straight from the stored weights, widening in
 * registers: nothing is staged, and no weight byte is read twice from memory (with two or three
 * rows, each row does the same; the later ones find the weights in L2). From four activation
 * rows on, the four weight rows are first widened once into an L2-sized buffer, then
 * {@link WidenedTiles} runs four activation rows at a time against them, so the widening is
 * shared by all rows.
 */
final class RowDotMatMul {

    /** Weight rows per unit of work. */
    static final int GROUP = WEIGHT_ROWS;

    /** Per-thread buffers: the unreduced tile, and the widened weight rows (grown to the largest k met). */
    private static final class Scratch {
        final float[] tile = new float[WidenedTiles.ROWS * GROUP * LANES];
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
                streamed(x, xOff + i * w.cols(), w, bias, out, outOff + i * w.rows(), j0, j1, s.tile);
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
        int largestF16 = DecodeKernels.run(w, w0, w1, w2, w3, kv, x, xo, tile);
        boolean infinityOrNan = largestF16 >= WeightVectors.F16_INF;
        finish(1, tile, infinityOrNan, x, xo, w, bias, out, o, j0, j1);
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
            finish(WidenedTiles.ROWS, s.tile, false, x, xOff + i * k, w, bias, out, outOff + i * n, j0, j1);
        }
        for (; i < m; i++) {
            WidenedTiles.tile1(wide, k, kv, x, xOff + i * k, s.tile);
            finish(1, s.tile, false, x, xOff + i * k, w, bias, out, outOff + i * n, j0, j1);
        }
    }

    /** Columns covered by whole vectors; the rest is summed by {@link #scalarDot}. */
    private static int vectorColumns(WeightMatrix w) {
        return w.cols() - w.cols() % LANES;
    }

    /**
     * {@code out[i][j] = bias[j] + x[i] · w[j]} for {@code rows} activation rows from the
     * unreduced {@code tile} plus the columns past the last whole vector, or, if {@code exact},
     * recomputed one weight at a time (rows that hold an F16 infinity or NaN).
     */
    private static void finish(int rows, float[] tile, boolean exact, float[] x, int xo, WeightMatrix w,
                               float[] bias, float[] out, int o, int j0, int j1) {
        int k = w.cols();
        int n = w.rows();
        int kv = vectorColumns(w);
        for (int i = 0; i < rows; i++) {
            int xi = xo + i * k;
            for (int j = j0; j < j1; j++) {
                float dot = exact
                        ? scalarDot(x, xi, w, j, 0, k)
                        : lanesSum(tile, (i * GROUP + j - j0) * LANES) + scalarDot(x, xi, w, j, kv, k);
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
            sum += x[xi + c] * w.get(j, c);
        }
        return sum;
    }
}
