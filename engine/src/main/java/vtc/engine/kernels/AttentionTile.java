package vtc.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax attention of one head for a tile of {@link #ROWS} query rows at once, as two small
 * register-blocked matrix products instead of one dot product per (query, key) pair:
 *
 * <ul>
 *   <li>scores: with the head's keys transposed in panels of 4 vectors of keys
 *       ({@code [keys / 4L][headDim][4L]}, each panel read front to back), 4 queries × 4 vectors
 *       of keys accumulate 16 independent FMA chains along headDim, no horizontal reduction;</li>
 *   <li>values: 4 query rows × 4 vectors of head columns accumulate over the keys, each value
 *       vector loaded once for the 4 rows.</li>
 * </ul>
 *
 * Used by the ViT's full attention and the decoder's causal prompt attention. Keys are padded
 * to whole panels ({@link #paddedKeys}); padding columns of {@code kᵀ} are zero and never reach
 * the softmax, and a query tile's rows past the last query are zero and their output dropped.
 */
public final class AttentionTile {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Query rows per tile. */
    public static final int ROWS = 4;

    private AttentionTile() {
    }

    /** {@code keys} rounded up to whole key panels: the length of a score row, {@code kᵀ} holds {@code headDim} times it. */
    public static int paddedKeys(int keys) {
        return (keys + 4 * L - 1) / (4 * L) * (4 * L);
    }

    /**
     * Key j of {@code k[kOff + j · kStride ..]} ({@code headDim} floats) into panel
     * {@code j / 4L} of {@code keysT}: {@code keysT[(j / 4L) · headDim · 4L + c · 4L + j % 4L]}, so a
     * score tile reads its panel sequentially. Keys past {@code keys} up to
     * {@link #paddedKeys}{@code (keys)} are zero.
     */
    public static void transposeKeys(float[] k, int kOff, int kStride, int keys, int headDim, float[] keysT) {
        int panel = 4 * L;
        int padded = paddedKeys(keys);
        int lastPanel = (padded - panel) * headDim;
        Arrays.fill(keysT, lastPanel, padded * headDim, 0f);
        for (int j = 0; j < keys; j++) {
            int from = kOff + j * kStride;
            int to = (j / panel) * headDim * panel + j % panel;
            for (int c = 0; c < headDim; c++) {
                keysT[to + c * panel] = k[from + c];
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
     * {@code scores[r · stride + j] = scale · queries[r] · key j} for the 4 rows and
     * {@code j < paddedKeys(keys)}, with the keys as {@link #transposeKeys} laid them out.
     */
    public static void scores(float[] queries, int headDim, float[] keysT, int keys, float scale,
                              float[] scores, int stride) {
        int padded = paddedKeys(keys);
        for (int j0 = 0; j0 < padded; j0 += 4 * L) {
            scoreTile(queries, headDim, keysT, j0 * headDim, j0, scale, scores, stride);
        }
    }

    private static void scoreTile(float[] queries, int headDim, float[] keysT, int panelStart, int j0, float scale,
                                  float[] scores, int stride) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < headDim; c++) {
            int at = panelStart + c * 4 * L;
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
        // Stores written out in place: a helper taking vectors as arguments, if not inlined, would box them.
        FloatVector sc = FloatVector.broadcast(F, scale);
        int r0 = j0, r1 = stride + j0, r2 = 2 * stride + j0, r3 = 3 * stride + j0;
        a00.mul(sc).intoArray(scores, r0); a01.mul(sc).intoArray(scores, r0 + L);
        a02.mul(sc).intoArray(scores, r0 + 2 * L); a03.mul(sc).intoArray(scores, r0 + 3 * L);
        a10.mul(sc).intoArray(scores, r1); a11.mul(sc).intoArray(scores, r1 + L);
        a12.mul(sc).intoArray(scores, r1 + 2 * L); a13.mul(sc).intoArray(scores, r1 + 3 * L);
        a20.mul(sc).intoArray(scores, r2); a21.mul(sc).intoArray(scores, r2 + L);
        a22.mul(sc).intoArray(scores, r2 + 2 * L); a23.mul(sc).intoArray(scores, r2 + 3 * L);
        a30.mul(sc).intoArray(scores, r3); a31.mul(sc).intoArray(scores, r3 + L);
        a32.mul(sc).intoArray(scores, r3 + 2 * L); a33.mul(sc).intoArray(scores, r3 + 3 * L);
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
        int o0 = outOff, o1 = outOff + outStride, o2 = outOff + 2 * outStride, o3 = outOff + 3 * outStride;
        a00.intoArray(out, o0); a01.intoArray(out, o0 + L); a02.intoArray(out, o0 + 2 * L); a03.intoArray(out, o0 + 3 * L);
        a10.intoArray(out, o1); a11.intoArray(out, o1 + L); a12.intoArray(out, o1 + 2 * L); a13.intoArray(out, o1 + 3 * L);
        a20.intoArray(out, o2); a21.intoArray(out, o2 + L); a22.intoArray(out, o2 + 2 * L); a23.intoArray(out, o2 + 3 * L);
        a30.intoArray(out, o3); a31.intoArray(out, o3 + L); a32.intoArray(out, o3 + 2 * L); a33.intoArray(out, o3 + 3 * L);
    }
}
