package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import java.util.Arrays;
import java.util.stream.IntStream;
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
    /** Gather offsets of one staged column: {@code LANES} rows, {@code KC} apart. */
    private static final int[] COLUMN = IntStream.range(0, LANES).map(r -> r * KC).toArray();

    /** Per-thread buffers, allocated once per thread and reused by every call. */
    private static final class Scratch {
        final float[] packed = new float[BLOCK * KC];
        final float[] staging = new float[BLOCK * KC];
        final float[] tile = new float[ROWS * PANEL];
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
                Arrays.fill(out, o + j0, o + j1, 0f);
            } else {
                System.arraycopy(bias, j0, out, o + j0, j1 - j0);
            }
        }
    }

    /**
     * Widens weights {@code [j0, j1) × [k0, k0 + kc)} into {@code packed}: panel q holds features
     * {@code j0 + q·PANEL ..}, laid out {@code [p][lane]}; lanes past {@code j1} are zero.
     * First each weight row is widened whole into {@code staging} (long contiguous reads, which
     * the hardware prefetcher streams from memory), then {@code LANES} rows at a time are
     * transposed: in registers by 16×16 blocks on 16-lane machines, else (and for a k tail) by
     * gathering one column per vector.
     */
    private static void pack(WeightMatrix w, int j0, int j1, int k0, int kc, Scratch s) {
        float[] staging = s.staging;
        float[] packed = s.packed;
        int padded = (j1 - j0 + PANEL - 1) / PANEL * PANEL;
        for (int local = 0; local < padded; local++) {
            int j = j0 + local;
            if (j < j1) {
                WeightVectors.widen(w, j, k0, kc, staging, local * KC);
            } else {
                Arrays.fill(staging, local * KC, local * KC + kc, 0f);
            }
        }
        for (int local = 0; local < padded; local += LANES) {
            int dst = local / PANEL * kc * PANEL + local % PANEL;
            int src = local * KC;
            int p = 0;
            if (LANES == 16) {
                for (; p + 16 <= kc; p += 16) {
                    Transpose16.transpose(staging, src + p, KC, packed, dst + p * PANEL, PANEL);
                }
            }
            for (; p < kc; p++) {
                FloatVector.fromArray(FLOATS, staging, src + p, COLUMN, 0).intoArray(packed, dst + p * PANEL);
            }
        }
    }

    /** One strip of {@code rows} activation rows against every panel of the packed block. */
    private static void rowTile(int rows, float[] x, int xo, int k, int kc, Scratch s,
                                float[] out, int rowOut, int n, int j0, int j1) {
        float[] tile = s.tile;
        for (int j = j0, q = 0; j < j1; j += PANEL, q++) {
            int po = q * kc * PANEL;
            if (rows == ROWS) {
                tile6(x, xo, k, kc, s.packed, po, tile);
            } else {
                tile1(x, xo, kc, s.packed, po, tile);
            }
            accumulate(tile, rows, out, rowOut + j, n, Math.min(PANEL, j1 - j));
        }
    }

    /**
     * {@code tile[r][0..PANEL) = Σ_p x[r][p] · panel[p][0..PANEL)} for 6 rows: 24 accumulators,
     * 4 weight vectors loaded and 6 activations broadcast per step. (Accumulators start at zero
     * and go to a scratch tile, which keeps this method small enough for the JIT to compile
     * every vector operation to a register instruction.)
     */
    private static void tile6(float[] x, int xo, int k, int kc, float[] pk, int po, float[] tile) {
        FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        FloatVector a40 = a00, a41 = a00, a42 = a00, a43 = a00;
        FloatVector a50 = a00, a51 = a00, a52 = a00, a53 = a00;
        int x1 = xo + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k;
        for (int p = 0; p < kc; p++) {
            int pb = po + p * PANEL;
            FloatVector w0 = FloatVector.fromArray(FLOATS, pk, pb);
            FloatVector w1 = FloatVector.fromArray(FLOATS, pk, pb + LANES);
            FloatVector w2 = FloatVector.fromArray(FLOATS, pk, pb + 2 * LANES);
            FloatVector w3 = FloatVector.fromArray(FLOATS, pk, pb + 3 * LANES);
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
        a00.intoArray(tile, 0); a01.intoArray(tile, LANES); a02.intoArray(tile, 2 * LANES); a03.intoArray(tile, 3 * LANES);
        a10.intoArray(tile, PANEL); a11.intoArray(tile, PANEL + LANES);
        a12.intoArray(tile, PANEL + 2 * LANES); a13.intoArray(tile, PANEL + 3 * LANES);
        a20.intoArray(tile, 2 * PANEL); a21.intoArray(tile, 2 * PANEL + LANES);
        a22.intoArray(tile, 2 * PANEL + 2 * LANES); a23.intoArray(tile, 2 * PANEL + 3 * LANES);
        a30.intoArray(tile, 3 * PANEL); a31.intoArray(tile, 3 * PANEL + LANES);
        a32.intoArray(tile, 3 * PANEL + 2 * LANES); a33.intoArray(tile, 3 * PANEL + 3 * LANES);
        a40.intoArray(tile, 4 * PANEL); a41.intoArray(tile, 4 * PANEL + LANES);
        a42.intoArray(tile, 4 * PANEL + 2 * LANES); a43.intoArray(tile, 4 * PANEL + 3 * LANES);
        a50.intoArray(tile, 5 * PANEL); a51.intoArray(tile, 5 * PANEL + LANES);
        a52.intoArray(tile, 5 * PANEL + 2 * LANES); a53.intoArray(tile, 5 * PANEL + 3 * LANES);
    }

    /** The same for one row (the m % 6 leftover rows). */
    private static void tile1(float[] x, int xo, int kc, float[] pk, int po, float[] tile) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int p = 0; p < kc; p++) {
            int pb = po + p * PANEL;
            FloatVector b = FloatVector.broadcast(FLOATS, x[xo + p]);
            a0 = FloatVector.fromArray(FLOATS, pk, pb).fma(b, a0);
            a1 = FloatVector.fromArray(FLOATS, pk, pb + LANES).fma(b, a1);
            a2 = FloatVector.fromArray(FLOATS, pk, pb + 2 * LANES).fma(b, a2);
            a3 = FloatVector.fromArray(FLOATS, pk, pb + 3 * LANES).fma(b, a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
    }

    /** {@code out[r][0..width) += tile[r][0..width)}; a panel past the last feature is cut at {@code width}. */
    private static void accumulate(float[] tile, int rows, float[] out, int co, int ldc, int width) {
        for (int r = 0; r < rows; r++) {
            int t = r * PANEL;
            int o = co + r * ldc;
            int v = 0;
            for (; v + LANES <= width; v += LANES) {
                FloatVector.fromArray(FLOATS, out, o + v).add(FloatVector.fromArray(FLOATS, tile, t + v))
                        .intoArray(out, o + v);
            }
            for (; v < width; v++) {
                out[o + v] += tile[t + v];
            }
        }
    }
}
