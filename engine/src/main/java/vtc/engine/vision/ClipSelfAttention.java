package vtc.engine.vision;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import vtc.engine.kernels.Parallel;
import vtc.engine.kernels.Softmax;

/**
 * The ViT's full (unmasked) multi-head self-attention, {@code softmax(scale · Q_h K_hᵀ) V_h} per
 * head, computed in tiles of {@link #ROWS} query rows so both products run as small register-
 * blocked matrix products instead of one dot product per (query, key) pair:
 *
 * <ul>
 *   <li>scores: the head's keys are first transposed to {@code [headDim, keys]}, so a tile of
 *       4 queries × 4 vectors of keys accumulates 16 independent FMA chains along headDim with no
 *       horizontal reduction;</li>
 *   <li>values: a tile of 4 query rows × up to 4 vectors of head columns accumulates over the
 *       keys, each value vector loaded once for 4 rows.</li>
 * </ul>
 *
 * One head per parallel unit. The [CLS] query's probabilities (row 0) are copied aside when
 * asked. One instance per forward pass; not shared between threads.
 */
final class ClipSelfAttention implements Parallel.RangeTask {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Query rows per tile. */
    private static final int ROWS = 4;

    private final int tokens;
    private final int d;
    private final int headDim;
    private final float scale;
    /** Keys rounded up to whole tiles of 4 vectors; the padding columns of kᵀ are zero. */
    private final int paddedKeys;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] attended;
    private final float[] clsProbs;
    private boolean keepClsRows;

    /**
     * @param q        {@code [tokens, d]} queries (all heads side by side), likewise {@code k}, {@code v}
     * @param attended {@code [tokens, d]} output
     * @param clsProbs {@code [heads, tokens]}: row 0's probabilities of each head, when kept
     */
    ClipSelfAttention(int tokens, int d, int headDim, float[] q, float[] k, float[] v, float[] attended,
                      float[] clsProbs) {
        this.tokens = tokens;
        this.d = d;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.paddedKeys = roundUp(tokens, 4 * L);
        this.q = q;
        this.k = k;
        this.v = v;
        this.attended = attended;
        this.clsProbs = clsProbs;
    }

    void compute(Parallel parallel, int heads, boolean keepClsRows) {
        this.keepClsRows = keepClsRows;
        parallel.forRange(heads, this);
    }

    @Override
    public void run(int fromHead, int toHead) {
        float[] keysT = new float[headDim * paddedKeys];
        float[] queries = new float[ROWS * headDim];
        float[] probs = new float[ROWS * paddedKeys];
        for (int h = fromHead; h < toHead; h++) {
            int col = h * headDim;
            transposeKeys(col, keysT);
            for (int i0 = 0; i0 < tokens; i0 += ROWS) {
                int rows = Math.min(ROWS, tokens - i0);
                gatherQueries(i0, rows, col, queries);
                scores(queries, keysT, probs);
                for (int r = 0; r < rows; r++) {
                    Softmax.softmax(probs, r * paddedKeys, tokens);
                }
                if (i0 == 0 && keepClsRows) {
                    System.arraycopy(probs, 0, clsProbs, h * tokens, tokens);
                }
                weightedValues(probs, i0, rows, col);
            }
        }
    }

    /** {@code keysT[c, j] = k[j, col + c]}; columns past the last key stay zero. */
    private void transposeKeys(int col, float[] keysT) {
        for (int j = 0; j < tokens; j++) {
            for (int c = 0; c < headDim; c++) {
                keysT[c * paddedKeys + j] = k[j * d + col + c];
            }
        }
    }

    /** The tile's query rows, contiguous; rows past the last token are zero (their output is dropped). */
    private void gatherQueries(int i0, int rows, int col, float[] queries) {
        for (int r = 0; r < ROWS; r++) {
            if (r < rows) {
                System.arraycopy(q, (i0 + r) * d + col, queries, r * headDim, headDim);
            } else {
                Arrays.fill(queries, r * headDim, (r + 1) * headDim, 0f);
            }
        }
    }

    /** {@code probs[r, j] = scale · queries[r] · keysT[:, j]} for all 4 rows and every padded key. */
    private void scores(float[] queries, float[] keysT, float[] probs) {
        for (int j0 = 0; j0 < paddedKeys; j0 += 4 * L) {
            scoreTile(queries, keysT, j0, probs);
        }
    }

    private void scoreTile(float[] queries, float[] keysT, int j0, float[] probs) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < headDim; c++) {
            int at = c * paddedKeys + j0;
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
        storeScaled(probs, j0, a00, a01, a02, a03);
        storeScaled(probs, paddedKeys + j0, a10, a11, a12, a13);
        storeScaled(probs, 2 * paddedKeys + j0, a20, a21, a22, a23);
        storeScaled(probs, 3 * paddedKeys + j0, a30, a31, a32, a33);
    }

    private void storeScaled(float[] out, int at, FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
        s0.mul(scale).intoArray(out, at);
        s1.mul(scale).intoArray(out, at + L);
        s2.mul(scale).intoArray(out, at + 2 * L);
        s3.mul(scale).intoArray(out, at + 3 * L);
    }

    /** {@code attended[i0 + r, col ..] = Σ_j probs[r, j] · v[j, col ..]} for the tile's real rows. */
    private void weightedValues(float[] probs, int i0, int rows, int col) {
        int c = 0;
        if (rows == ROWS) {
            for (; c + 4 * L <= headDim; c += 4 * L) {
                valueTile4x4(probs, col + c, i0 * d + col + c);
            }
        }
        for (; c < headDim; c++) {
            for (int r = 0; r < rows; r++) {
                float sum = 0f;
                for (int j = 0; j < tokens; j++) {
                    sum += probs[r * paddedKeys + j] * v[j * d + col + c];
                }
                attended[(i0 + r) * d + col + c] = sum;
            }
        }
    }

    /** 4 query rows × 4 vectors of value columns, accumulated over every key. */
    private void valueTile4x4(float[] probs, int vCol, int out) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int j = 0; j < tokens; j++) {
            int at = j * d + vCol;
            FloatVector v0 = FloatVector.fromArray(F, v, at);
            FloatVector v1 = FloatVector.fromArray(F, v, at + L);
            FloatVector v2 = FloatVector.fromArray(F, v, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, v, at + 3 * L);
            FloatVector p0 = FloatVector.broadcast(F, probs[j]);
            a00 = v0.fma(p0, a00); a01 = v1.fma(p0, a01); a02 = v2.fma(p0, a02); a03 = v3.fma(p0, a03);
            FloatVector p1 = FloatVector.broadcast(F, probs[paddedKeys + j]);
            a10 = v0.fma(p1, a10); a11 = v1.fma(p1, a11); a12 = v2.fma(p1, a12); a13 = v3.fma(p1, a13);
            FloatVector p2 = FloatVector.broadcast(F, probs[2 * paddedKeys + j]);
            a20 = v0.fma(p2, a20); a21 = v1.fma(p2, a21); a22 = v2.fma(p2, a22); a23 = v3.fma(p2, a23);
            FloatVector p3 = FloatVector.broadcast(F, probs[3 * paddedKeys + j]);
            a30 = v0.fma(p3, a30); a31 = v1.fma(p3, a31); a32 = v2.fma(p3, a32); a33 = v3.fma(p3, a33);
        }
        store(attended, out, a00, a01, a02, a03);
        store(attended, out + d, a10, a11, a12, a13);
        store(attended, out + 2 * d, a20, a21, a22, a23);
        store(attended, out + 3 * d, a30, a31, a32, a33);
    }

    private static void store(float[] out, int at, FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
        s0.intoArray(out, at);
        s1.intoArray(out, at + L);
        s2.intoArray(out, at + 2 * L);
        s3.intoArray(out, at + 3 * L);
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
