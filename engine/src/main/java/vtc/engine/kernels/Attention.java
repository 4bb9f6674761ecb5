package vtc.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention of one query row of one head, over keys and values that are
 * rows of strided matrices (a head's column slice of {@code [tokens, dim]} activations, or of a
 * KV cache with grouped-query heads). Only one row of scores is materialized: the caller's
 * {@code probs} scratch, which holds the softmax probabilities on return (so an observer can
 * read the [CLS] row or the last prompt row).
 *
 * <p>ViT self-attention calls it for every token with all keys; causal prefill and decode call
 * it with {@code keys} = the number of cache entries visible to the query.
 */
public final class Attention {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private Attention() {
    }

    /**
     * {@code probs[j] = softmax_j(scale · q·k_j)} for {@code j < keys}, then
     * {@code out[0..headDim) = Σ_j probs[j] · v_j}.
     *
     * @param q     the query: {@code headDim} floats at {@code qOff}
     * @param k     key j: {@code headDim} floats at {@code kOff + j·kStride}
     * @param v     value j: {@code headDim} floats at {@code vOff + j·vStride}
     * @param probs scratch of {@code keys} floats at {@code probsOff}; the probabilities on return
     * @param out   {@code headDim} floats at {@code outOff}, overwritten
     */
    public static void attendRow(float[] q, int qOff, float[] k, int kOff, int kStride,
                                 float[] v, int vOff, int vStride, int keys, int headDim, float scale,
                                 float[] probs, int probsOff, float[] out, int outOff) {
        if (keys <= 0) {
            throw new IllegalArgumentException("attention needs at least one key, got " + keys);
        }
        for (int j = 0; j < keys; j++) {
            probs[probsOff + j] = scale * VectorOps.dot(q, qOff, k, kOff + j * kStride, headDim);
        }
        Softmax.softmax(probs, probsOff, keys);
        weightedSum(probs, probsOff, v, vOff, vStride, keys, headDim, out, outOff);
    }

    /**
     * {@code out = Σ_j p_j · v_j}, a strip of up to 4 vectors of columns at a time with the
     * accumulators in registers across all keys (one load and FMA per value vector, no stores).
     */
    private static void weightedSum(float[] p, int pOff, float[] v, int vOff, int vStride, int keys,
                                    int headDim, float[] out, int outOff) {
        int c = 0;
        for (; c + 4 * L <= headDim; c += 4 * L) {
            weightedSum4(p, pOff, v, vOff + c, vStride, keys, out, outOff + c);
        }
        for (; c + L <= headDim; c += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int j = 0; j < keys; j++) {
                acc = FloatVector.fromArray(F, v, vOff + c + j * vStride).fma(FloatVector.broadcast(F, p[pOff + j]), acc);
            }
            acc.intoArray(out, outOff + c);
        }
        for (; c < headDim; c++) {
            float acc = 0f;
            for (int j = 0; j < keys; j++) {
                acc += p[pOff + j] * v[vOff + c + j * vStride];
            }
            out[outOff + c] = acc;
        }
    }

    private static void weightedSum4(float[] p, int pOff, float[] v, int vo, int vStride, int keys,
                                     float[] out, int o) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < keys; j++) {
            FloatVector pj = FloatVector.broadcast(F, p[pOff + j]);
            int at = vo + j * vStride;
            a0 = FloatVector.fromArray(F, v, at).fma(pj, a0);
            a1 = FloatVector.fromArray(F, v, at + L).fma(pj, a1);
            a2 = FloatVector.fromArray(F, v, at + 2 * L).fma(pj, a2);
            a3 = FloatVector.fromArray(F, v, at + 3 * L).fma(pj, a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
    }
}
