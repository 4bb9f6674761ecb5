package vtc.engine.text;

import static vtc.engine.NaiveOps.add;
import static vtc.engine.NaiveOps.linear;

import java.util.HashMap;
import java.util.Map;

/**
 * The Llama decoder written the plainest way, in double precision, with no cache: every call
 * recomputes attention over the rows it is given, masked by their positions. The reference for
 * the engine's cached, batched float32 decoder.
 */
final class NaiveLlama {

    private final LlamaConfig c;
    private final LlamaWeights w;
    /** Per layer, the last row's attention averaged over query heads, from the latest {@link #layers} call. */
    final Map<Integer, double[]> lastRowAttention = new HashMap<>();

    NaiveLlama(LlamaConfig c, LlamaWeights w) {
        this.c = c;
        this.w = w;
    }

    double[][] embed(int[] ids) {
        double[][] x = new double[ids.length][c.hiddenSize()];
        for (int t = 0; t < ids.length; t++) {
            for (int i = 0; i < c.hiddenSize(); i++) {
                x[t][i] = w.embedTokens().get(ids[t], i);
            }
        }
        return x;
    }

    double[][] layers(double[][] x, int[] positions, int from, int to) {
        for (int l = from; l < to; l++) {
            LlamaLayerWeights lw = w.layers().get(l);
            double[][] a = attention(l, lw, rmsNorm(x, lw.inputLayerNorm()), positions);
            x = add(x, linear(a, lw.oProj(), null));
            double[][] h = rmsNorm(x, lw.postAttentionLayerNorm());
            double[][] gate = linear(h, lw.gateProj(), null);
            double[][] up = linear(h, lw.upProj(), null);
            for (int t = 0; t < gate.length; t++) {
                for (int i = 0; i < gate[t].length; i++) {
                    gate[t][i] = gate[t][i] / (1 + Math.exp(-gate[t][i])) * up[t][i];
                }
            }
            x = add(x, linear(gate, lw.downProj(), null));
        }
        return x;
    }

    double[] logits(double[] row) {
        return linear(rmsNorm(new double[][] {row}, w.norm()), w.lmHead(), null)[0];
    }

    private double[][] attention(int layer, LlamaLayerWeights lw, double[][] x, int[] positions) {
        int hd = c.headDim();
        double[][] q = rope(linear(x, lw.qProj(), null), positions, c.numAttentionHeads());
        double[][] k = rope(linear(x, lw.kProj(), null), positions, c.numKeyValueHeads());
        double[][] v = linear(x, lw.vProj(), null);
        int n = x.length;
        int heads = c.numAttentionHeads();
        int group = heads / c.numKeyValueHeads();
        double[][] out = new double[n][heads * hd];
        double[] lastMean = new double[n];
        for (int h = 0; h < heads; h++) {
            int kv = (h / group) * hd;
            for (int i = 0; i < n; i++) {
                double[] p = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (positions[j] > positions[i]) {
                        p[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int e = 0; e < hd; e++) {
                        dot += q[i][h * hd + e] * k[j][kv + e];
                    }
                    p[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int j = 0; j < n; j++) {
                    p[j] /= sum;
                    for (int e = 0; e < hd; e++) {
                        out[i][h * hd + e] += p[j] * v[j][kv + e];
                    }
                    if (i == n - 1) {
                        lastMean[j] += p[j] / heads;
                    }
                }
            }
        }
        lastRowAttention.put(layer, lastMean);
        return out;
    }

    /** Rotate-half RoPE: pairs (i, i + d/2) turn by position · θ^(−2i/d). */
    private double[][] rope(double[][] x, int[] positions, int heads) {
        int hd = c.headDim();
        int half = hd / 2;
        for (int t = 0; t < x.length; t++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < half; i++) {
                    double angle = positions[t] * Math.pow(c.ropeTheta(), -2.0 * i / hd);
                    double a = x[t][h * hd + i];
                    double b = x[t][h * hd + i + half];
                    x[t][h * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
                    x[t][h * hd + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
                }
            }
        }
        return x;
    }

    private double[][] rmsNorm(double[][] x, float[] weight) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double ss = 0;
            for (double v : x[t]) {
                ss += v * v;
            }
            double inv = 1 / Math.sqrt(ss / x[t].length + c.rmsNormEps());
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = x[t][i] * inv * weight[i];
            }
        }
        return out;
    }


}
