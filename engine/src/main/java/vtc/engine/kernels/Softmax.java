package vtc.engine.kernels;

/** Numerically stable softmax in place. (Placeholder scalar implementation.) */
public final class Softmax {

    private Softmax() {
    }

    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            max = Math.max(max, x[i]);
        }
        float sum = 0f;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = off; i < off + n; i++) {
            x[i] *= inv;
        }
    }
}
