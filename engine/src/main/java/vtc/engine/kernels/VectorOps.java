package vtc.engine.kernels;

/** Small dense vector operations used by attention and the residual stream. (Placeholder.) */
public final class VectorOps {

    private VectorOps() {
    }

    /** {@code Σ a[aOff+i] · b[bOff+i]} over {@code n}. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** {@code y[yOff+i] += alpha · x[xOff+i]}. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** {@code dst[dOff+i] += src[sOff+i]} (residual connection). */
    public static void add(float[] dst, int dOff, float[] src, int sOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    /** {@code x[off+i] *= s}. */
    public static void scale(float[] x, int off, int n, float s) {
        for (int i = off; i < off + n; i++) {
            x[i] *= s;
        }
    }
}
