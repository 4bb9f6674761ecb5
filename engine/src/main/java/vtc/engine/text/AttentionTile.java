package vtc.engine.text;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax attention of one head for a tile of {@link #ROWS} query rows at once, as two small
 * register-blocked matrix products instead of one dot product per (query, key) pair:
 *
 * <ul>
 *   <li>scores: with the head's keys transposed to {@code [headDim, keys]}, 4 queries × 4 vectors
 *       of keys accumulate 16 independent FMA chains along headDim, no horizontal reduction;</li>
 *   <li>values: 4 query rows × 4 vectors of head columns accumulate over the keys, each value
 *       vector loaded once for the 4 rows.</li>
 * </ul>
 *
 * Used by the ViT's full attention and the decoder's causal prompt attention. Keys are padded
 * to whole tiles ({@link #paddedKeys}); padding columns of {@code kᵀ} are zero and never reach
 * the softmax, and a query tile's rows past the last query are zero and their output dropped.
 */
public final class AttentionTile {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Query rows per tile. */
    public static final int ROWS = 4;

    private AttentionTile() {
    }

    /** {@code keys} rounded up to whole score tiles: the row stride of {@code kᵀ} and of the scores. */
    public static int paddedKeys(int keys) {
        return (keys + 4 * L - 1) / (4 * L) * (4 * L);
    }

    /**
     * {@code keysT[c · stride + j] = k[kOff + j · kStride + c]} for {@code j < keys}, zero for
     * the padding up to {@link #paddedKeys}{@code (keys)}.
     */
    public static void transposeKeys(float[] k, int kOff, int kStride, int keys, int headDim,
                                     float[] keysT, int stride) {
        int padded = paddedKeys(keys);
        for (int c = 0; c < headDim; c++) {
            Arrays.fill(keysT, c * stride + keys, c * stride + padded, 0f);
        }
        for (int j = 0; j < keys; j++) {
            int from = kOff + j * kStride;
            for (int c = 0; c < headDim; c++) {
                keysT[c * stride + j] = k[from + c];
            }
        }
    }

    /**
     * Copies up to 4 query rows ({@code q[qOff + r · qStride ..]}, {@code headDim} each) into the
     * contiguous {@code [ROWS, headDim]} tile; missing rows are zero.
     */
    public static void gatherQueries(float[] q, int qOff, int qStride, int rows, int headDim, float[] queries) {
        for (int r = 0; r < ROWS; r++) {
            if (r < rows) {
                System.arraycopy(q, qOff + r * qStride, queries, r * headDim, headDim);
            } else {
                Arrays.fill(queries, r * headDim, (r + 1) * headDim, 0f);
            }
        }
    }

    /**
     * {@code scores[r · stride + j] = scale · queries[r] · keysT[:, j]} for the 4 rows and
     * {@code j < paddedKeys(keys)}.
     */
    public static void scores(float[] queries, int headDim, float[] keysT, int stride, int keys, float scale,
                              float[] scores) {
        int padded = paddedKeys(keys);
        for (int j0 = 0; j0 < padded; j0 += 4 * L) {
            scoreTile(queries, headDim, keysT, stride, j0, scale, scores);
        }
    }

    private static void scoreTile(float[] queries, int headDim, float[] keysT, int stride, int j0, float scale,
                                  float[] scores) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < headDim; c++) {
            int at = c * stride + j0;
            FloatVector k0 = FloatVector.fromArray(F, keysT, at);
            FloatVector k1 = FloatVector.fromArray(F, keysT, at + L);
            FloatVector k2 = FloatVector.fromArray(F, keysT, at + 2 * L);
            FloatVector k3 = FloatVector.fromArray(F, keysT, at + 3 * L);
            FloatVector q0 = FloatVector.broadcast(F, queries[c]);
            a00 = k0.fma(q0, a00); a01 = k1.fma(q0, a01); a02 = k2.fma(q0, a02); a03 = k3.fma(q0, a03);
            FloatVector q1 = FloatVector.broadcast(F, queries[headDim + c]);
            a10 = k0.fma(q1, a10); a11 = k1.fma(q1, a11); a12 = k2.fma(q1, a12); a13 = k3.fma(q1, a13);
            FloatVector q2 = FloatVector.broadcast(F, queries[2 * headDim + c]);
            a20 = k0.fma(q2, a20); a21 = k1.fma(q2, a21); a22 = k2.fma(q2, a22); a23 = k3.fma(q2, a23);
            FloatVector q3 = FloatVector.broadcast(F, queries[3 * headDim + c]);
            a30 = k0.fma(q3, a30); a31 = k1.fma(q3, a31); a32 = k2.fma(q3, a32); a33 = k3.fma(q3, a33);
        }
        storeScaled(scores, j0, scale, a00, a01, a02, a03);
        storeScaled(scores, stride + j0, scale, a10, a11, a12, a13);
        storeScaled(scores, 2 * stride + j0, scale, a20, a21, a22, a23);
        storeScaled(scores, 3 * stride + j0, scale, a30, a31, a32, a33);
    }

    private static void storeScaled(float[] out, int at, float scale,
                                    FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
        s0.mul(scale).intoArray(out, at);
        s1.mul(scale).intoArray(out, at + L);
        s2.mul(scale).intoArray(out, at + 2 * L);
        s3.mul(scale).intoArray(out, at + 3 * L);
    }

    /**
     * {@code out[outOff + r · outStride + c] = Σ_{j < keys} probs[r · stride + j] · v[vOff + j · vStride + c]}
     * for the first {@code rows} rows and {@code c < headDim}. Probabilities of keys a row must not
     * see have to be zero.
     */
    public static void weightedValues(float[] probs, int stride, int keys, float[] v, int vOff, int vStride,
                                      int headDim, int rows, float[] out, int outOff, int outStride) {
        int c = 0;
        if (rows == ROWS) {
            for (; c + 4 * L <= headDim; c += 4 * L) {
                valueTile(probs, stride, keys, v, vOff + c, vStride, out, outOff + c, outStride);
            }
        }
        for (; c < headDim; c++) {
            for (int r = 0; r < rows; r++) {
                float sum = 0f;
                for (int j = 0; j < keys; j++) {
                    sum += probs[r * stride + j] * v[vOff + j * vStride + c];
                }
                out[outOff + r * outStride + c] = sum;
            }
        }
    }

    /** 4 query rows × 4 vectors of value columns, accumulated over the keys. */
    private static void valueTile(float[] probs, int stride, int keys, float[] v, int vOff, int vStride,
                                  float[] out, int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int j = 0; j < keys; j++) {
            int at = vOff + j * vStride;
            FloatVector v0 = FloatVector.fromArray(F, v, at);
            FloatVector v1 = FloatVector.fromArray(F, v, at + L);
            FloatVector v2 = FloatVector.fromArray(F, v, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, v, at + 3 * L);
            FloatVector p0 = FloatVector.broadcast(F, probs[j]);
            a00 = v0.fma(p0, a00); a01 = v1.fma(p0, a01); a02 = v2.fma(p0, a02); a03 = v3.fma(p0, a03);
            FloatVector p1 = FloatVector.broadcast(F, probs[stride + j]);
            a10 = v0.fma(p1, a10); a11 = v1.fma(p1, a11); a12 = v2.fma(p1, a12); a13 = v3.fma(p1, a13);
            FloatVector p2 = FloatVector.broadcast(F, probs[2 * stride + j]);
            a20 = v0.fma(p2, a20); a21 = v1.fma(p2, a21); a22 = v2.fma(p2, a22); a23 = v3.fma(p2, a23);
            FloatVector p3 = FloatVector.broadcast(F, probs[3 * stride + j]);
            a30 = v0.fma(p3, a30); a31 = v1.fma(p3, a31); a32 = v2.fma(p3, a32); a33 = v3.fma(p3, a33);
        }
        store(out, outOff, a00, a01, a02, a03);
        store(out, outOff + outStride, a10, a11, a12, a13);
        store(out, outOff + 2 * outStride, a20, a21, a22, a23);
        store(out, outOff + 3 * outStride, a30, a31, a32, a33);
    }

    private static void store(float[] out, int at, FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
        s0.intoArray(out, at);
        s1.intoArray(out, at + L);
        s2.intoArray(out, at + 2 * L);
        s3.intoArray(out, at + 3 * L);
    }
}
