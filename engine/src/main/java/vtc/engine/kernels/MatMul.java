package vtc.engine.kernels;

import vtc.engine.tensor.WeightMatrix;

/**
 * {@code out = x · Wᵀ + bias}: float32 activations times weights in their stored dtype.
 * (Placeholder implementation: correct and slow; the kernels work replaces its inside.)
 */
public final class MatMul {

    private MatMul() {
    }

    /**
     * @param x    {@code m} dense rows of {@code w.cols()} floats starting at {@code xOff}
     * @param bias {@code w.rows()} floats, or null
     * @param out  {@code m} dense rows of {@code w.rows()} floats starting at {@code outOff}
     */
    public static void matmul(Parallel parallel, float[] x, int xOff, int m, WeightMatrix w,
                              float[] bias, float[] out, int outOff) {
        int k = w.cols();
        int n = w.rows();
        parallel.forRange(n, (from, to) -> {
            for (int j = from; j < to; j++) {
                for (int i = 0; i < m; i++) {
                    float acc = 0f;
                    for (int c = 0; c < k; c++) {
                        acc += x[xOff + i * k + c] * w.get(j, c);
                    }
                    out[outOff + i * n + j] = bias == null ? acc : acc + bias[j];
                }
            }
        });
    }
}
