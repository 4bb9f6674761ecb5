package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/**
 * The few-rows path of {@link MatMul} (decode): each output is a dot product along k of an
 * activation row with a weight row read straight from the mapping and widened in registers.
 * With one activation row the work is bound by reading the weights once, so four weight rows
 * are streamed side by side (four independent FMA chains) and nothing is packed.
 */
final class RowDotMatMul {

    /** Weight rows per step. */
    static final int GROUP = 4;

    private RowDotMatMul() {
    }

    /** Computes {@code out[0..m) × [j0..j1)}. */
    static void rows(float[] x, int xOff, int m, WeightMatrix w, float[] bias,
                     float[] out, int outOff, int j0, int j1) {
        int k = w.cols();
        int n = w.rows();
        int j = j0;
        for (; j + GROUP <= j1; j += GROUP) {
            for (int i = 0; i < m; i++) {
                dot4(x, xOff + i * k, w, j, bias, out, outOff + i * n + j);
            }
        }
        for (; j < j1; j++) {
            for (int i = 0; i < m; i++) {
                float sum = dot1(x, xOff + i * k, w, j);
                out[outOff + i * n + j] = bias == null ? sum : sum + bias[j];
            }
        }
    }

    private static void dot4(float[] x, int xo, WeightMatrix w, int j, float[] bias, float[] out, int o) {
        DType dtype = w.dtype();
        MemorySegment data = w.data();
        int k = w.cols();
        long stride = (long) dtype.bytes() * LANES;
        long r0 = w.rowOffset(j), r1 = w.rowOffset(j + 1), r2 = w.rowOffset(j + 2), r3 = w.rowOffset(j + 3);
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        int c = 0;
        for (; c <= k - LANES; c += LANES, r0 += stride, r1 += stride, r2 += stride, r3 += stride) {
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            a0 = WeightVectors.load(dtype, data, r0).fma(xv, a0);
            a1 = WeightVectors.load(dtype, data, r1).fma(xv, a1);
            a2 = WeightVectors.load(dtype, data, r2).fma(xv, a2);
            a3 = WeightVectors.load(dtype, data, r3).fma(xv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        int bytes = dtype.bytes();
        for (; c < k; c++, r0 += bytes, r1 += bytes, r2 += bytes, r3 += bytes) {
            float xc = x[xo + c];
            s0 += xc * WeightVectors.scalar(dtype, data, r0);
            s1 += xc * WeightVectors.scalar(dtype, data, r1);
            s2 += xc * WeightVectors.scalar(dtype, data, r2);
            s3 += xc * WeightVectors.scalar(dtype, data, r3);
        }
        if (bias != null) {
            s0 += bias[j];
            s1 += bias[j + 1];
            s2 += bias[j + 2];
            s3 += bias[j + 3];
        }
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
    }

    private static float dot1(float[] x, int xo, WeightMatrix w, int j) {
        DType dtype = w.dtype();
        MemorySegment data = w.data();
        int k = w.cols();
        long r = w.rowOffset(j);
        FloatVector acc = FloatVector.zero(FLOATS);
        int c = 0;
        for (; c <= k - LANES; c += LANES, r += (long) dtype.bytes() * LANES) {
            acc = WeightVectors.load(dtype, data, r).fma(FloatVector.fromArray(FLOATS, x, xo + c), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; c < k; c++, r += dtype.bytes()) {
            sum += x[xo + c] * WeightVectors.scalar(dtype, data, r);
        }
        return sum;
    }
}
