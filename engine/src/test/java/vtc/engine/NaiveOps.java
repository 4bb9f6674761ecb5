package vtc.engine;

import java.util.Random;
import java.util.stream.IntStream;
import vtc.engine.tensor.WeightMatrix;

/** Double-precision building blocks of the naive reference models the engine tests compare against. */
public final class NaiveOps {

    private NaiveOps() {
    }

    /**
     * {@code x · Wᵀ (+ bias)} row by row, every product and sum in double. Each weight row is
     * widened to double once and output features run in parallel, so references at real model
     * widths (k = 4096) take seconds, not minutes; the arithmetic is the plain sum.
     */
    public static double[][] linear(double[][] x, WeightMatrix w, float[] bias) {
        double[][] out = new double[x.length][w.rows()];
        IntStream.range(0, w.rows()).parallel().forEach(o -> {
            double[] row = new double[w.cols()];
            for (int i = 0; i < row.length; i++) {
                row[i] = w.get(o, i);
            }
            for (int t = 0; t < x.length; t++) {
                double sum = bias == null ? 0 : bias[o];
                double[] xt = x[t];
                for (int i = 0; i < row.length; i++) {
                    sum += xt[i] * row[i];
                }
                out[t][o] = sum;
            }
        });
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

    /**
     * One head's attention probabilities for one query in double: {@code softmax(q·kⱼ / √headDim)}
     * over {@code keys} keys, key j's head vector at {@code k[kAt + j·kStride ..]}.
     */
    public static double[] attentionProbs(float[] q, int qAt, float[] k, int kAt, int kStride, int keys, int headDim) {
        double[] s = new double[keys];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < keys; j++) {
            double dot = 0;
            for (int c = 0; c < headDim; c++) {
                dot += (double) q[qAt + c] * k[kAt + j * kStride + c];
            }
            s[j] = dot / Math.sqrt(headDim);
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < keys; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
        }
        for (int j = 0; j < keys; j++) {
            s[j] /= sum;
        }
        return s;
    }

    /** {@code n} standard normal floats: test activations. */
    public static float[] gaussian(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }
}
