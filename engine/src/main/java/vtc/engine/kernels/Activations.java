package vtc.engine.kernels;

/** Element-wise activations, in place. (Placeholder scalar implementation.) */
public final class Activations {

    private Activations() {
    }

    /** Exact GELU {@code 0.5 x (1 + erf(x / √2))}, the LLaVA projector's activation. */
    public static void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        }
    }

    /** CLIP's {@code x · sigmoid(1.702 x)}. */
    public static void quickGelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            x[i] = v / (1f + (float) Math.exp(-1.702f * v));
        }
    }

    /** SwiGLU gate: {@code gate[i] = silu(gate[i]) · up[i]}. */
    public static void siluMul(float[] gate, int gateOff, float[] up, int upOff, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[gateOff + i];
            gate[gateOff + i] = g / (1f + (float) Math.exp(-g)) * up[upOff + i];
        }
    }
}
