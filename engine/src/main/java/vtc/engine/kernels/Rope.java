package vtc.engine.kernels;

/**
 * Rotary position embedding in the Hugging Face "rotate half" convention: for head dim d and
 * {@code i < d/2}, the pair {@code (x[i], x[i + d/2])} is rotated by {@code position · θ^(−2i/d)}.
 * (Placeholder implementation computing the angles per call.)
 */
public final class Rope {

    private final int headDim;
    private final double[] invFreq;

    public Rope(int headDim, double theta) {
        this.headDim = headDim;
        this.invFreq = new double[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) {
            invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        }
    }

    /** Rotates {@code numHeads} consecutive head vectors starting at {@code off}, in place. */
    public void apply(float[] x, int off, int numHeads, int position) {
        int half = headDim / 2;
        for (int h = 0; h < numHeads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                double angle = position * invFreq[i];
                float cos = (float) Math.cos(angle);
                float sin = (float) Math.sin(angle);
                float a = x[base + i];
                float b = x[base + i + half];
                x[base + i] = a * cos - b * sin;
                x[base + i + half] = b * cos + a * sin;
            }
        }
    }
}
