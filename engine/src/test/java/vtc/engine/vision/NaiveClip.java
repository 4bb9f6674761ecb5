package vtc.engine.vision;

import static vtc.engine.NaiveOps.add;
import static vtc.engine.NaiveOps.linear;

/**
 * The CLIP vision tower written the plainest way, in double precision: the convolution as a
 * direct sum over each patch, attention as the full matrix. The reference for the engine's
 * float32 matrix-matrix version.
 */
final class NaiveClip {

    /** hidden[i] is hidden state i ([tokens][D]); clsAttention[l][h] the [CLS] row of layer l, head h. */
    final double[][][] hidden;
    final double[][][] clsAttention;

    NaiveClip(ClipVisionConfig c, ClipVisionWeights w, float[] pixels) {
        int layers = c.numHiddenLayers();
        hidden = new double[layers + 1][][];
        clsAttention = new double[layers][][];
        double[][] x = embeddings(c, w, pixels);
        hidden[0] = copy(x);
        for (int l = 0; l < layers; l++) {
            ClipLayerWeights lw = w.layers().get(l);
            double[][] a = attention(c, lw, layerNorm(x, lw.layerNorm1Weight(), lw.layerNorm1Bias(), c.layerNormEps()), l);
            x = add(x, a);
            double[][] h = linear(layerNorm(x, lw.layerNorm2Weight(), lw.layerNorm2Bias(), c.layerNormEps()), lw.fc1(), lw.fc1Bias());
            for (double[] row : h) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = row[i] / (1 + Math.exp(-1.702 * row[i]));
                }
            }
            x = add(x, linear(h, lw.fc2(), lw.fc2Bias()));
            hidden[l + 1] = copy(x);
        }
    }

    private static double[][] embeddings(ClipVisionConfig c, ClipVisionWeights w, float[] pixels) {
        int d = c.hiddenSize();
        int p = c.patchSize();
        int s = c.imageSize();
        int grid = c.gridSize();
        double[][] x = new double[c.numPatches() + 1][d];
        for (int o = 0; o < d; o++) {
            x[0][o] = w.classEmbedding()[o];
        }
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                for (int o = 0; o < d; o++) {
                    double sum = 0;
                    for (int ch = 0; ch < c.numChannels(); ch++) {
                        for (int dy = 0; dy < p; dy++) {
                            for (int dx = 0; dx < p; dx++) {
                                double pixel = pixels[(ch * s + gy * p + dy) * s + gx * p + dx];
                                sum += pixel * w.patchEmbedding().get(o, (ch * p + dy) * p + dx);
                            }
                        }
                    }
                    x[1 + gy * grid + gx][o] = sum;
                }
            }
        }
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < d; o++) {
                x[t][o] += w.positionEmbedding().get(t, o);
            }
        }
        return layerNorm(x, w.preLayerNormWeight(), w.preLayerNormBias(), c.layerNormEps());
    }

    private double[][] attention(ClipVisionConfig c, ClipLayerWeights lw, double[][] x, int layer) {
        double[][] q = linear(x, lw.qProj(), lw.qBias());
        double[][] k = linear(x, lw.kProj(), lw.kBias());
        double[][] v = linear(x, lw.vProj(), lw.vBias());
        int n = x.length;
        int hd = c.headDim();
        double[][] out = new double[n][c.hiddenSize()];
        clsAttention[layer] = new double[c.numAttentionHeads()][];
        for (int h = 0; h < c.numAttentionHeads(); h++) {
            for (int i = 0; i < n; i++) {
                double[] p = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int e = 0; e < hd; e++) {
                        dot += q[i][h * hd + e] * k[j][h * hd + e];
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
                        out[i][h * hd + e] += p[j] * v[j][h * hd + e];
                    }
                }
                if (i == 0) {
                    clsAttention[layer][h] = p;
                }
            }
        }
        return linear(out, lw.outProj(), lw.outBias());
    }

    static double[][] layerNorm(double[][] x, float[] w, float[] b, double eps) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = (x[t][i] - mean) / Math.sqrt(var + eps) * w[i] + b[i];
            }
        }
        return out;
    }



    private static double[][] copy(double[][] x) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            out[t] = x[t].clone();
        }
        return out;
    }
}
