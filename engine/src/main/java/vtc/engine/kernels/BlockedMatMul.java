package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import jdk.incubator.vector.FloatVector;
import vtc.engine.tensor.WeightMatrix;

/**
 * The many-rows path of {@link MatMul} (prefill, ViT): a cache-blocked, register-blocked GEMM.
 *
 * <p>A block of weight rows × {@link #KC} columns is widened to float32 once and packed
 * transposed into panels of {@link #PANEL} output features, {@code panel[p][lane]}, so the
 * micro-kernel reads the weights as contiguous vectors along the output dimension and
 * broadcasts one activation per step. A {@value #ROWS}×{@code PANEL} tile of outputs stays in
 * 24 vector registers for a whole k-block: no horizontal sums, 10 loads per 24 FMAs. The dtype
 * is handled only while packing, which is amortized over all m rows, so F16/BF16 weights run
 * at the F32 rate.
 */
final class BlockedMatMul {

    /** Activation rows per micro-tile. */
    static final int ROWS = 6;
    /** Vectors of output features per micro-tile. */
    private static final int VECS = 4;
    /** Output features per packed panel (= micro-tile width). */
    static final int PANEL = VECS * LANES;
    /** Panels per block: a packed block (BLOCK × KC floats) stays in L2 while all m rows pass. */
    static final int BLOCK = 4 * PANEL;
    /** Reduction depth per block: the 6 activation rows of a tile (6·KC floats) stay in L1. */
    static final int KC = 256;

    /** Per-thread buffers, allocated once per thread and reused by every call. */
    private static final class Scratch {
        final float[] packed = new float[BLOCK * KC];
        final float[] row = new float[KC];
        final float[] edge = new float[ROWS * PANEL];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private BlockedMatMul() {
    }

    /** Computes {@code out[i0..i1) × [j0..j1)}, with {@code j1 − j0 ≤ BLOCK}. */
    static void block(float[] x, int xOff, int i0, int i1, WeightMatrix w, float[] bias,
                      float[] out, int outOff, int j0, int j1) {
        Scratch s = SCRATCH.get();
        int k = w.cols();
        int n = w.rows();
        initialize(bias, out, outOff, n, i0, i1, j0, j1);
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            pack(w, j0, j1, k0, kc, s);
            int i = i0;
            for (; i + ROWS <= i1; i += ROWS) {
                rowTile(ROWS, x, xOff + i * k + k0, k, kc, s, out, outOff + i * n, n, j0, j1);
            }
            for (; i < i1; i++) {
                rowTile(1, x, xOff + i * k + k0, k, kc, s, out, outOff + i * n, n, j0, j1);
            }
        }
    }

    /** Output starts as the bias (or zero); every k-block then accumulates into it. */
    private static void initialize(float[] bias, float[] out, int outOff, int n,
                                   int i0, int i1, int j0, int j1) {
        for (int i = i0; i < i1; i++) {
            int o = outOff + i * n;
            if (bias == null) {
                java.util.Arrays.fill(out, o + j0, o + j1, 0f);
            } else {
                System.arraycopy(bias, j0, out, o + j0, j1 - j0);
            }
        }
    }

    /**
     * Widens weights {@code [j0, j1) × [k0, k0 + kc)} into {@code packed}: panel q holds features
     * {@code j0 + q·PANEL ..}, laid out {@code [p][lane]}; lanes past {@code j1} are zero.
     */
    private static void pack(WeightMatrix w, int j0, int j1, int k0, int kc, Scratch s) {
        float[] packed = s.packed;
        float[] row = s.row;
        long colOffset = (long) k0 * w.dtype().bytes();
        int padded = (j1 - j0 + PANEL - 1) / PANEL * PANEL;
        for (int local = 0; local < padded; local++) {
            int base = local / PANEL * kc * PANEL + local % PANEL;
            int j = j0 + local;
            if (j < j1) {
                WeightVectors.widen(w.dtype(), w.data(), w.rowOffset(j) + colOffset, kc, row, 0);
                for (int p = 0; p < kc; p++) {
                    packed[base + p * PANEL] = row[p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    packed[base + p * PANEL] = 0f;
                }
            }
        }
    }

    /** One strip of {@code rows} activation rows against every panel of the packed block. */
    private static void rowTile(int rows, float[] x, int xo, int k, int kc, Scratch s,
                                float[] out, int rowOut, int n, int j0, int j1) {
        for (int j = j0, q = 0; j < j1; j += PANEL, q++) {
            int po = q * kc * PANEL;
            int width = Math.min(PANEL, j1 - j);
            if (width == PANEL) {
                tile(rows, x, xo, k, kc, s.packed, po, out, rowOut + j, n);
            } else {
                edgeTile(rows, x, xo, k, kc, s, po, out, rowOut + j, n, width);
            }
        }
    }

    /** A tile narrower than a panel goes through a full-width scratch tile. */
    private static void edgeTile(int rows, float[] x, int xo, int k, int kc, Scratch s, int po,
                                 float[] out, int co, int n, int width) {
        float[] edge = s.edge;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(out, co + r * n, edge, r * PANEL, width);
        }
        tile(rows, x, xo, k, kc, s.packed, po, edge, 0, PANEL);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(edge, r * PANEL, out, co + r * n, width);
        }
    }

    private static void tile(int rows, float[] x, int xo, int k, int kc, float[] pk, int po,
                             float[] c, int co, int ldc) {
        if (rows == ROWS) {
            tile6(x, xo, k, kc, pk, po, c, co, ldc);
        } else {
            tile1(x, xo, kc, pk, po, c, co);
        }
    }

    /**
     * {@code c[r][0..PANEL) += Σ_p x[r][p] · panel[p][0..PANEL)} for 6 rows: 24 accumulators,
     * 4 weight vectors loaded and 6 activations broadcast per step.
     */
    private static void tile6(float[] x, int xo, int k, int kc, float[] pk, int po,
                              float[] c, int co, int ldc) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector a00 = load(c, co), a01 = load(c, co + LANES), a02 = load(c, co + 2 * LANES), a03 = load(c, co + 3 * LANES);
        FloatVector a10 = load(c, c1), a11 = load(c, c1 + LANES), a12 = load(c, c1 + 2 * LANES), a13 = load(c, c1 + 3 * LANES);
        FloatVector a20 = load(c, c2), a21 = load(c, c2 + LANES), a22 = load(c, c2 + 2 * LANES), a23 = load(c, c2 + 3 * LANES);
        FloatVector a30 = load(c, c3), a31 = load(c, c3 + LANES), a32 = load(c, c3 + 2 * LANES), a33 = load(c, c3 + 3 * LANES);
        FloatVector a40 = load(c, c4), a41 = load(c, c4 + LANES), a42 = load(c, c4 + 2 * LANES), a43 = load(c, c4 + 3 * LANES);
        FloatVector a50 = load(c, c5), a51 = load(c, c5 + LANES), a52 = load(c, c5 + 2 * LANES), a53 = load(c, c5 + 3 * LANES);
        int x1 = xo + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k;
        for (int p = 0; p < kc; p++) {
            int pb = po + p * PANEL;
            FloatVector w0 = load(pk, pb), w1 = load(pk, pb + LANES), w2 = load(pk, pb + 2 * LANES), w3 = load(pk, pb + 3 * LANES);
            FloatVector b = FloatVector.broadcast(FLOATS, x[xo + p]);
            a00 = w0.fma(b, a00); a01 = w1.fma(b, a01); a02 = w2.fma(b, a02); a03 = w3.fma(b, a03);
            b = FloatVector.broadcast(FLOATS, x[x1 + p]);
            a10 = w0.fma(b, a10); a11 = w1.fma(b, a11); a12 = w2.fma(b, a12); a13 = w3.fma(b, a13);
            b = FloatVector.broadcast(FLOATS, x[x2 + p]);
            a20 = w0.fma(b, a20); a21 = w1.fma(b, a21); a22 = w2.fma(b, a22); a23 = w3.fma(b, a23);
            b = FloatVector.broadcast(FLOATS, x[x3 + p]);
            a30 = w0.fma(b, a30); a31 = w1.fma(b, a31); a32 = w2.fma(b, a32); a33 = w3.fma(b, a33);
            b = FloatVector.broadcast(FLOATS, x[x4 + p]);
            a40 = w0.fma(b, a40); a41 = w1.fma(b, a41); a42 = w2.fma(b, a42); a43 = w3.fma(b, a43);
            b = FloatVector.broadcast(FLOATS, x[x5 + p]);
            a50 = w0.fma(b, a50); a51 = w1.fma(b, a51); a52 = w2.fma(b, a52); a53 = w3.fma(b, a53);
        }
        store4(a00, a01, a02, a03, c, co);
        store4(a10, a11, a12, a13, c, c1);
        store4(a20, a21, a22, a23, c, c2);
        store4(a30, a31, a32, a33, c, c3);
        store4(a40, a41, a42, a43, c, c4);
        store4(a50, a51, a52, a53, c, c5);
    }

    /** The same for one row (the m % 6 leftover rows). */
    private static void tile1(float[] x, int xo, int kc, float[] pk, int po, float[] c, int co) {
        FloatVector a0 = load(c, co), a1 = load(c, co + LANES), a2 = load(c, co + 2 * LANES), a3 = load(c, co + 3 * LANES);
        for (int p = 0; p < kc; p++) {
            int pb = po + p * PANEL;
            FloatVector b = FloatVector.broadcast(FLOATS, x[xo + p]);
            a0 = load(pk, pb).fma(b, a0);
            a1 = load(pk, pb + LANES).fma(b, a1);
            a2 = load(pk, pb + 2 * LANES).fma(b, a2);
            a3 = load(pk, pb + 3 * LANES).fma(b, a3);
        }
        store4(a0, a1, a2, a3, c, co);
    }

    private static FloatVector load(float[] a, int off) {
        return FloatVector.fromArray(FLOATS, a, off);
    }

    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] c, int off) {
        v0.intoArray(c, off);
        v1.intoArray(c, off + LANES);
        v2.intoArray(c, off + 2 * LANES);
        v3.intoArray(c, off + 3 * LANES);
    }
}
