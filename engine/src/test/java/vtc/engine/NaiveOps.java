package vtc.engine;

import vtc.engine.tensor.WeightMatrix;

/** Double-precision building blocks of the naive reference models the engine tests compare against. */
public final class NaiveOps {

    private NaiveOps() {
    }

    /** {@code x · Wᵀ (+ bias)} row by row, every product and sum in double. */
    public static double[][] linear(double[][] x, WeightMatrix w, float[] bias) {
        double[][] out = new double[x.length][w.rows()];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < w.rows(); o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < w.cols(); i++) {
                    sum += x[t][i] * w.get(o, i);
                }
                out[t][o] = sum;
            }
        }
        return out;
    }

    /** {@code a + b}, a new array (the residual connection). */
    public static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            out[t] = a[t].clone();
            for (int i = 0; i < out[t].length; i++) {
                out[t][i] += b[t][i];
            }
        }
        return out;
    }
}
