package vtc.engine.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** LayerNorm (CLIP) and RMSNorm (Llama) of one row. */
public final class Norms {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F_FOR_D =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * Float.SIZE));

    private Norms() {
    }

    /**
     * {@code out = (x − mean) / sqrt(var + eps) · w + b}, biased variance, over {@code n} floats.
     * Mean, variance and {@code (x − mean) / σ} are computed in double (two passes), so a row far
     * from zero loses no precision to cancellation; only {@code · w + b} runs in float32.
     */
    public static void layerNorm(float[] x, int off, int n, float[] w, float[] b, float eps,
                                 float[] out, int outOff) {
        double mean = plainSum(x, off, n) / n;
        double inv = 1.0 / Math.sqrt(centeredSquares(x, off, n, mean) / n + eps);
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            FloatVector normalized = (FloatVector) widen(x, off + i).sub(mean).mul(inv)
                    .convertShape(VectorOperators.D2F, F_FOR_D, 0);
            normalized.fma(FloatVector.fromArray(F_FOR_D, w, i), FloatVector.fromArray(F_FOR_D, b, i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float normalized = (float) ((x[off + i] - mean) * inv);
            out[outOff + i] = Math.fma(normalized, w[i], b[i]);
        }
    }

    /**
     * {@code out = x · rsqrt(mean(x²) + eps) · w} over {@code n} floats, as Hugging Face computes
     * it in float32: the mean of squares rounded to float, eps added in float, then
     * {@code (x · inv) · w}. (The sum of squares itself is taken in double: exact to float.)
     */
    public static void rmsNorm(float[] x, int off, int n, float[] w, float eps, float[] out, int outOff) {
        float meanSquare = (float) (sumOfSquares(x, off, n) / n);
        float inv = (float) (1.0 / Math.sqrt(meanSquare + eps));
        FloatVector scale = FloatVector.broadcast(F, inv);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(scale).mul(FloatVector.fromArray(F, w, i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[off + i] * inv * w[i];
        }
    }

    /** {@code Σ x} in double. */
    private static double plainSum(float[] x, int off, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            acc = acc.add(widen(x, off + i));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** {@code Σ (x − center)²} in double. */
    private static double centeredSquares(float[] x, int off, int n, double center) {
        DoubleVector acc = DoubleVector.zero(D);
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            DoubleVector d = widen(x, off + i).sub(center);
            acc = d.fma(d, acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            double d = x[off + i] - center;
            s += d * d;
        }
        return s;
    }

    private static double sumOfSquares(float[] x, int off, int n) {
        return centeredSquares(x, off, n, 0.0);
    }

    private static DoubleVector widen(float[] x, int at) {
        return (DoubleVector) FloatVector.fromArray(F_FOR_D, x, at).convertShape(VectorOperators.F2D, D, 0);
    }
}
