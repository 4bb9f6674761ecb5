package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Activations against double references. Lengths 1..70 and an offset run both the vector body
 * and the scalar tail.
 */
class ActivationsTest {

    private static final int OFF = 3;

    /**
     * GELU is evaluated in double as {@code 0.5·x·erfc(−x/√2)}: the float result must be the
     * reference rounded, within 1 ulp, even in the negative tail where {@code 1 + erf} cancels.
     */
    @Test
    void geluIsTheExactErfGelu() {
        Random random = new Random(1);
        for (int n = 1; n <= 70; n++) {
            float[] x = inputs(random, n, 6);
            float[] got = x.clone();
            Activations.gelu(got, OFF, n);
            for (int i = OFF; i < OFF + n; i++) {
                double v = x[i];
                double ref = 0.5 * v * ErfTest.referenceErfc(-v / Math.sqrt(2));
                check("gelu", v, ref, got[i], Math.ulp((float) ref) + Float.MIN_VALUE);
            }
        }
    }

    /**
     * Float32 exp (≤ 1 ulp), add, divide: 4·2⁻²⁴ relative; plus the conditioning of exp: the float
     * argument {@code −1.702x} carries a rounding of 2⁻²⁴·|1.702x|, which exp turns into the same
     * relative error (PyTorch's float32 quick_gelu has it too).
     */
    @Test
    void quickGeluMatchesReference() {
        Random random = new Random(2);
        for (int n = 1; n <= 70; n++) {
            float[] x = inputs(random, n, 12);
            float[] got = x.clone();
            Activations.quickGelu(got, OFF, n);
            for (int i = OFF; i < OFF + n; i++) {
                double v = x[i];
                double ref = v / (1 + Math.exp(-1.702 * v));
                check("quickGelu", v, ref, got[i], (4 + Math.abs(1.702 * v)) * 0x1p-24 * Math.abs(ref) + 1e-30);
            }
        }
    }

    /** Same bound plus one rounding for the product with up (the argument −g is exact): 5·2⁻²⁴ relative. */
    @Test
    void siluMulMatchesReference() {
        Random random = new Random(3);
        for (int n = 1; n <= 70; n++) {
            float[] gate = inputs(random, n, 12);
            float[] up = inputs(random, n + 5, 3);
            float[] got = gate.clone();
            Activations.siluMul(got, OFF, up, 5, n);
            for (int i = 0; i < n; i++) {
                double g = gate[OFF + i];
                double ref = g / (1 + Math.exp(-g)) * up[5 + i];
                check("siluMul", g, ref, got[OFF + i], 5 * 0x1p-24 * Math.abs(ref) + 1e-30);
            }
        }
    }

    private static float[] inputs(Random random, int n, double range) {
        float[] x = new float[OFF + n + 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((random.nextDouble() * 2 - 1) * range);
        }
        return x;
    }

    private static void check(String what, double input, double ref, float got, double tol) {
        if (!(Math.abs(got - ref) <= tol)) {
            fail(what + "(" + input + ") = " + got + ", reference " + ref + ", tolerance " + tol);
        }
    }
}
