package vtc.engine.kernels;

/** LayerNorm (CLIP) and RMSNorm (Llama) of one row. (Placeholder scalar implementation.) */
public final class Norms {

    private Norms() {
    }

    /** {@code out = (x − mean) / sqrt(var + eps) · w + b}, biased variance, over {@code n} floats. */
    public static void layerNorm(float[] x, int off, int n, float[] w, float[] b, float eps,
                                 float[] out, int outOff) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[off + i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = x[off + i] - mean;
            var += d * d;
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        float mu = (float) mean;
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (x[off + i] - mu) * inv * w[i] + b[i];
        }
    }

    /** {@code out = x / sqrt(mean(x²) + eps) · w} over {@code n} floats. */
    public static void rmsNorm(float[] x, int off, int n, float[] w, float eps, float[] out, int outOff) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (double) x[off + i] * x[off + i];
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[off + i] * inv * w[i];
        }
    }
}
