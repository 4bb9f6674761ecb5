package vtc.engine.kernels;

import static vtc.engine.kernels.RowDotTiles.ACTIVATION_ROWS;
import static vtc.engine.kernels.RowDotTiles.WEIGHT_ROWS;
import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/**
 * The few-rows path of {@link MatMul} (decode, short prompts): each output is a dot product
 * along k of an activation row with a weight row. With one activation row the work is bound by
 * reading the weights, so four weight rows are streamed side by side through the whole of k,
 * widened in registers and consumed at once by {@link RowDotTiles}: nothing is staged or packed,
 * and no weight byte is read twice from memory. With more activation rows, four at a time share
 * each weight vector; the next four find the weight rows still in L2.
 */
final class RowDotMatMul {

    /** Weight rows per unit of work. */
    static final int GROUP = WEIGHT_ROWS;

    private static final ThreadLocal<float[]> TILES =
            ThreadLocal.withInitial(() -> new float[ACTIVATION_ROWS * WEIGHT_ROWS * LANES]);

    private RowDotMatMul() {
    }

    /** Computes {@code out[0..m) × [j0..j1)}, with {@code j1 − j0 ≤ GROUP}. */
    static void rows(float[] x, int xOff, int m, WeightMatrix w, float[] bias,
                     float[] out, int outOff, int j0, int j1) {
        float[] tile = TILES.get();
        int i = 0;
        for (; i + ACTIVATION_ROWS <= m; i += ACTIVATION_ROWS) {
            tile(ACTIVATION_ROWS, x, xOff + i * w.cols(), w, bias, out, outOff + i * w.rows(), j0, j1, tile);
        }
        for (; i < m; i++) {
            tile(1, x, xOff + i * w.cols(), w, bias, out, outOff + i * w.rows(), j0, j1, tile);
        }
    }

    /**
     * {@code out[i][j] = bias[j] + x[i] · w[j]} for {@code rows} activation rows (1 or
     * {@code ACTIVATION_ROWS}) and weight rows {@code [j0, j1)}. A group of fewer than four
     * weight rows repeats its last row in the spare slots and drops those results.
     */
    private static void tile(int rows, float[] x, int xo, WeightMatrix w, float[] bias,
                             float[] out, int o, int j0, int j1, float[] tile) {
        int k = w.cols();
        int kv = k - k % LANES;
        long w0 = w.rowOffset(j0);
        long w1 = w.rowOffset(Math.min(j0 + 1, j1 - 1));
        long w2 = w.rowOffset(Math.min(j0 + 2, j1 - 1));
        long w3 = w.rowOffset(Math.min(j0 + 3, j1 - 1));
        int largestF16 = RowDotTiles.run(w.dtype(), rows == ACTIVATION_ROWS, w.data(), w0, w1, w2, w3, kv, x, xo, k, tile);
        boolean infinityOrNan = largestF16 >= WeightVectors.F16_INF;
        int n = w.rows();
        for (int i = 0; i < rows; i++) {
            for (int j = j0; j < j1; j++) {
                int xi = xo + i * k;
                float dot = infinityOrNan
                        ? scalarDot(x, xi, w, j, 0, k)
                        : lanesSum(tile, (i * WEIGHT_ROWS + j - j0) * LANES) + scalarDot(x, xi, w, j, kv, k);
                out[o + i * n + j] = bias == null ? dot : bias[j] + dot;
            }
        }
    }

    private static float lanesSum(float[] tile, int t) {
        return FloatVector.fromArray(FLOATS, tile, t).reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@code Σ x[xi + c] · w[j][c]} over {@code c ∈ [c0, c1)}, one exactly widened weight at a time:
     * the columns past the last full vector, and whole rows that hold an F16 infinity or NaN.
     */
    private static float scalarDot(float[] x, int xi, WeightMatrix w, int j, int c0, int c1) {
        DType dtype = w.dtype();
        MemorySegment data = w.data();
        long row = w.rowOffset(j);
        float sum = 0f;
        for (int c = c0; c < c1; c++) {
            sum += x[xi + c] * WeightVectors.scalar(dtype, data, row + (long) c * dtype.bytes());
        }
        return sum;
    }
}
