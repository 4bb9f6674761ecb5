package vtc.engine.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise activations, in place. */
public final class Activations {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats that widen to exactly one double vector. */
    private static final VectorSpecies<Float> F_FOR_D =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * Float.SIZE));
    private static final double INV_SQRT2 = 0.70710678118654752440;
    private static final float QUICK_GELU_SLOPE = 1.702f;

    private Activations() {
    }

    /**
     * Exact GELU {@code 0.5 x (1 + erf(x / √2))}, the LLaVA projector's activation, evaluated in
     * double as {@code 0.5 x erfc(−x / √2)} (the same function, without cancellation for negative
     * x), so the float result is the correctly rounded value up to an ulp.
     */
    public static void gelu(float[] x, int off, int n) {
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F_FOR_D, x, off + i)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector g = v.mul(0.5).mul(Erf.erfc(v.mul(-INV_SQRT2)));
            ((FloatVector) g.convertShape(VectorOperators.D2F, F_FOR_D, 0)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            double v = x[off + i];
            x[off + i] = (float) (0.5 * v * Erf.erfc(-v * INV_SQRT2));
        }
    }

    /** CLIP's {@code x · sigmoid(1.702 x)}, as {@code x / (1 + exp(−1.702 x))} in float32. */
    public static void quickGelu(float[] x, int off, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.div(v.mul(-QUICK_GELU_SLOPE).lanewise(VectorOperators.EXP).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            x[off + i] = v / (1f + (float) Math.exp(-QUICK_GELU_SLOPE * v));
        }
    }

    /** SwiGLU gate: {@code gate[i] = silu(gate[i]) · up[i]}, {@code silu(g) = g / (1 + exp(−g))}. */
    public static void siluMul(float[] gate, int gateOff, float[] up, int upOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, gateOff + i);
            g.div(g.neg().lanewise(VectorOperators.EXP).add(1f))
                    .mul(FloatVector.fromArray(F, up, upOff + i))
                    .intoArray(gate, gateOff + i);
        }
        for (; i < n; i++) {
            float g = gate[gateOff + i];
            gate[gateOff + i] = g / (1f + (float) Math.exp(-g)) * up[upOff + i];
        }
    }
}
