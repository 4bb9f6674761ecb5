package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.LANES;

import jdk.incubator.vector.FloatVector;

/**
 * Register tiles of {@link RowDotMatMul} for several activation rows: four weight rows already
 * widened to float32 ({@code wide[r·k ..]}, r = 0..3, so any dtype runs at the F32 rate) against
 * four activation rows ({@code x[xo + i·k ..]}) or one, over the first {@code kv} columns (a
 * multiple of {@code LANES}). Each weight vector loaded is used by every activation row, and each
 * (activation row, weight row) pair has its own accumulator. The accumulators go unreduced to
 * {@code tile[(i·4 + r)·LANES ..]}, stored right here (vectors handed to a helper the JIT does
 * not inline would be boxed).
 */
final class WidenedTiles {

    /** Activation rows per tall tile. */
    static final int ROWS = 4;

    private WidenedTiles() {
    }

    static void tile4(float[] wide, int k, int kv, float[] x, int xo, float[] tile) {
        FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < kv; c += LANES) {
            FloatVector v0 = FloatVector.fromArray(FLOATS, wide, c);
            FloatVector v1 = FloatVector.fromArray(FLOATS, wide, k + c);
            FloatVector v2 = FloatVector.fromArray(FLOATS, wide, 2 * k + c);
            FloatVector v3 = FloatVector.fromArray(FLOATS, wide, 3 * k + c);
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            a00 = v0.fma(xv, a00); a01 = v1.fma(xv, a01); a02 = v2.fma(xv, a02); a03 = v3.fma(xv, a03);
            xv = FloatVector.fromArray(FLOATS, x, xo + k + c);
            a10 = v0.fma(xv, a10); a11 = v1.fma(xv, a11); a12 = v2.fma(xv, a12); a13 = v3.fma(xv, a13);
            xv = FloatVector.fromArray(FLOATS, x, xo + 2 * k + c);
            a20 = v0.fma(xv, a20); a21 = v1.fma(xv, a21); a22 = v2.fma(xv, a22); a23 = v3.fma(xv, a23);
            xv = FloatVector.fromArray(FLOATS, x, xo + 3 * k + c);
            a30 = v0.fma(xv, a30); a31 = v1.fma(xv, a31); a32 = v2.fma(xv, a32); a33 = v3.fma(xv, a33);
        }
        a00.intoArray(tile, 0); a01.intoArray(tile, LANES);
        a02.intoArray(tile, 2 * LANES); a03.intoArray(tile, 3 * LANES);
        a10.intoArray(tile, 4 * LANES); a11.intoArray(tile, 5 * LANES);
        a12.intoArray(tile, 6 * LANES); a13.intoArray(tile, 7 * LANES);
        a20.intoArray(tile, 8 * LANES); a21.intoArray(tile, 9 * LANES);
        a22.intoArray(tile, 10 * LANES); a23.intoArray(tile, 11 * LANES);
        a30.intoArray(tile, 12 * LANES); a31.intoArray(tile, 13 * LANES);
        a32.intoArray(tile, 14 * LANES); a33.intoArray(tile, 15 * LANES);
    }

    static void tile1(float[] wide, int k, int kv, float[] x, int xo, float[] tile) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < kv; c += LANES) {
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            a0 = FloatVector.fromArray(FLOATS, wide, c).fma(xv, a0);
            a1 = FloatVector.fromArray(FLOATS, wide, k + c).fma(xv, a1);
            a2 = FloatVector.fromArray(FLOATS, wide, 2 * k + c).fma(xv, a2);
            a3 = FloatVector.fromArray(FLOATS, wide, 3 * k + c).fma(xv, a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
    }
}
