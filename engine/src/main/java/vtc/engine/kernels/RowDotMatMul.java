package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.WeightMatrix;

/**
 * The few-rows path of {@link MatMul} (decode): each output is a dot product along k of an
 * activation row with a weight row. With one activation row the work is bound by reading the
 * weights once, so four weight rows are streamed side by side: a chunk of each is widened to
 * float32 into an L1-sized buffer, then dotted with every activation row (four independent FMA
 * chains). Nothing is packed ahead, so no weight byte is read twice from memory.
 */
final class RowDotMatMul {

    /** Weight rows per step. */
    static final int GROUP = 4;
    /** Reduction depth widened at a time: GROUP × CHUNK floats = 8 KiB, well inside L1. */
    private static final int CHUNK = 512;

    private static final ThreadLocal<float[]> WIDENED = ThreadLocal.withInitial(() -> new float[GROUP * CHUNK]);

    private RowDotMatMul() {
    }

    /** Computes {@code out[0..m) × [j0..j1)}, with {@code j1 − j0 ≤ GROUP}. */
    static void rows(float[] x, int xOff, int m, WeightMatrix w, float[] bias,
                     float[] out, int outOff, int j0, int j1) {
        float[] widened = WIDENED.get();
        int k = w.cols();
        int n = w.rows();
        int group = j1 - j0;
        for (int i = 0; i < m; i++) {
            for (int j = j0; j < j1; j++) {
                out[outOff + i * n + j] = bias == null ? 0f : bias[j];
            }
        }
        for (int c0 = 0; c0 < k; c0 += CHUNK) {
            int len = Math.min(CHUNK, k - c0);
            long colOffset = (long) c0 * w.dtype().bytes();
            for (int r = 0; r < group; r++) {
                WeightVectors.widen(w.dtype(), w.data(), w.rowOffset(j0 + r) + colOffset, len, widened, r * CHUNK);
            }
            for (int i = 0; i < m; i++) {
                int xo = xOff + i * k + c0;
                int o = outOff + i * n + j0;
                if (group == GROUP) {
                    dot4(x, xo, widened, len, out, o);
                } else {
                    for (int r = 0; r < group; r++) {
                        out[o + r] += dot(x, xo, widened, r * CHUNK, len);
                    }
                }
            }
        }
    }

    /** {@code out[o + r] += x[xo ..] · widened[r·CHUNK ..]} over {@code len}, for r = 0..3. */
    private static void dot4(float[] x, int xo, float[] widened, int len, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        int c = 0;
        for (; c <= len - LANES; c += LANES) {
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            a0 = FloatVector.fromArray(FLOATS, widened, c).fma(xv, a0);
            a1 = FloatVector.fromArray(FLOATS, widened, CHUNK + c).fma(xv, a1);
            a2 = FloatVector.fromArray(FLOATS, widened, 2 * CHUNK + c).fma(xv, a2);
            a3 = FloatVector.fromArray(FLOATS, widened, 3 * CHUNK + c).fma(xv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; c < len; c++) {
            float xc = x[xo + c];
            s0 += xc * widened[c];
            s1 += xc * widened[CHUNK + c];
            s2 += xc * widened[2 * CHUNK + c];
            s3 += xc * widened[3 * CHUNK + c];
        }
        out[o] += s0;
        out[o + 1] += s1;
        out[o + 2] += s2;
        out[o + 3] += s3;
    }

    private static float dot(float[] x, int xo, float[] widened, int wo, int len) {
        FloatVector acc = FloatVector.zero(FLOATS);
        int c = 0;
        for (; c <= len - LANES; c += LANES) {
            acc = FloatVector.fromArray(FLOATS, widened, wo + c).fma(FloatVector.fromArray(FLOATS, x, xo + c), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; c < len; c++) {
            sum += x[xo + c] * widened[wo + c];
        }
        return sum;
    }
}
