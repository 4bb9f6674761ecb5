package vtc.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes a 16×16 block of floats in registers (16-lane vectors, AVX-512). Stage t swaps bit
 * t of the row index with bit t of the lane index: rows i and i + 2^t exchange the lanes whose
 * bit t differs from their own, using one lane permutation ({@code lane ^ 2^t}) and one blend
 * per output row. Four stages move element (r, c) to (c, r).
 */
final class Transpose16 {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;

    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(SPECIES, lane -> lane ^ 1);
    private static final VectorMask<Float> BIT1 = VectorMask.fromLong(SPECIES, 0xAAAAL);
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(SPECIES, lane -> lane ^ 2);
    private static final VectorMask<Float> BIT2 = VectorMask.fromLong(SPECIES, 0xCCCCL);
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(SPECIES, lane -> lane ^ 4);
    private static final VectorMask<Float> BIT4 = VectorMask.fromLong(SPECIES, 0xF0F0L);
    private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(SPECIES, lane -> lane ^ 8);
    private static final VectorMask<Float> BIT8 = VectorMask.fromLong(SPECIES, 0xFF00L);

    private Transpose16() {
    }

    /**
     * {@code dst[dstOff + c·dstStride + r] = src[srcOff + r·srcStride + c]} for r, c < 16.
     */
    static void transpose(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, src, srcOff + 0 * srcStride);
        FloatVector a1 = FloatVector.fromArray(SPECIES, src, srcOff + 1 * srcStride);
        FloatVector a2 = FloatVector.fromArray(SPECIES, src, srcOff + 2 * srcStride);
        FloatVector a3 = FloatVector.fromArray(SPECIES, src, srcOff + 3 * srcStride);
        FloatVector a4 = FloatVector.fromArray(SPECIES, src, srcOff + 4 * srcStride);
        FloatVector a5 = FloatVector.fromArray(SPECIES, src, srcOff + 5 * srcStride);
        FloatVector a6 = FloatVector.fromArray(SPECIES, src, srcOff + 6 * srcStride);
        FloatVector a7 = FloatVector.fromArray(SPECIES, src, srcOff + 7 * srcStride);
        FloatVector a8 = FloatVector.fromArray(SPECIES, src, srcOff + 8 * srcStride);
        FloatVector a9 = FloatVector.fromArray(SPECIES, src, srcOff + 9 * srcStride);
        FloatVector a10 = FloatVector.fromArray(SPECIES, src, srcOff + 10 * srcStride);
        FloatVector a11 = FloatVector.fromArray(SPECIES, src, srcOff + 11 * srcStride);
        FloatVector a12 = FloatVector.fromArray(SPECIES, src, srcOff + 12 * srcStride);
        FloatVector a13 = FloatVector.fromArray(SPECIES, src, srcOff + 13 * srcStride);
        FloatVector a14 = FloatVector.fromArray(SPECIES, src, srcOff + 14 * srcStride);
        FloatVector a15 = FloatVector.fromArray(SPECIES, src, srcOff + 15 * srcStride);
        FloatVector b0 = a0.blend(a1.rearrange(SWAP1), BIT1);
        FloatVector b1 = a0.rearrange(SWAP1).blend(a1, BIT1);
        FloatVector b2 = a2.blend(a3.rearrange(SWAP1), BIT1);
        FloatVector b3 = a2.rearrange(SWAP1).blend(a3, BIT1);
        FloatVector b4 = a4.blend(a5.rearrange(SWAP1), BIT1);
        FloatVector b5 = a4.rearrange(SWAP1).blend(a5, BIT1);
        FloatVector b6 = a6.blend(a7.rearrange(SWAP1), BIT1);
        FloatVector b7 = a6.rearrange(SWAP1).blend(a7, BIT1);
        FloatVector b8 = a8.blend(a9.rearrange(SWAP1), BIT1);
        FloatVector b9 = a8.rearrange(SWAP1).blend(a9, BIT1);
        FloatVector b10 = a10.blend(a11.rearrange(SWAP1), BIT1);
        FloatVector b11 = a10.rearrange(SWAP1).blend(a11, BIT1);
        FloatVector b12 = a12.blend(a13.rearrange(SWAP1), BIT1);
        FloatVector b13 = a12.rearrange(SWAP1).blend(a13, BIT1);
        FloatVector b14 = a14.blend(a15.rearrange(SWAP1), BIT1);
        FloatVector b15 = a14.rearrange(SWAP1).blend(a15, BIT1);
        FloatVector c0 = b0.blend(b2.rearrange(SWAP2), BIT2);
        FloatVector c2 = b0.rearrange(SWAP2).blend(b2, BIT2);
        FloatVector c1 = b1.blend(b3.rearrange(SWAP2), BIT2);
        FloatVector c3 = b1.rearrange(SWAP2).blend(b3, BIT2);
        FloatVector c4 = b4.blend(b6.rearrange(SWAP2), BIT2);
        FloatVector c6 = b4.rearrange(SWAP2).blend(b6, BIT2);
        FloatVector c5 = b5.blend(b7.rearrange(SWAP2), BIT2);
        FloatVector c7 = b5.rearrange(SWAP2).blend(b7, BIT2);
        FloatVector c8 = b8.blend(b10.rearrange(SWAP2), BIT2);
        FloatVector c10 = b8.rearrange(SWAP2).blend(b10, BIT2);
        FloatVector c9 = b9.blend(b11.rearrange(SWAP2), BIT2);
        FloatVector c11 = b9.rearrange(SWAP2).blend(b11, BIT2);
        FloatVector c12 = b12.blend(b14.rearrange(SWAP2), BIT2);
        FloatVector c14 = b12.rearrange(SWAP2).blend(b14, BIT2);
        FloatVector c13 = b13.blend(b15.rearrange(SWAP2), BIT2);
        FloatVector c15 = b13.rearrange(SWAP2).blend(b15, BIT2);
        FloatVector e0 = c0.blend(c4.rearrange(SWAP4), BIT4);
        FloatVector e4 = c0.rearrange(SWAP4).blend(c4, BIT4);
        FloatVector e1 = c1.blend(c5.rearrange(SWAP4), BIT4);
        FloatVector e5 = c1.rearrange(SWAP4).blend(c5, BIT4);
        FloatVector e2 = c2.blend(c6.rearrange(SWAP4), BIT4);
        FloatVector e6 = c2.rearrange(SWAP4).blend(c6, BIT4);
        FloatVector e3 = c3.blend(c7.rearrange(SWAP4), BIT4);
        FloatVector e7 = c3.rearrange(SWAP4).blend(c7, BIT4);
        FloatVector e8 = c8.blend(c12.rearrange(SWAP4), BIT4);
        FloatVector e12 = c8.rearrange(SWAP4).blend(c12, BIT4);
        FloatVector e9 = c9.blend(c13.rearrange(SWAP4), BIT4);
        FloatVector e13 = c9.rearrange(SWAP4).blend(c13, BIT4);
        FloatVector e10 = c10.blend(c14.rearrange(SWAP4), BIT4);
        FloatVector e14 = c10.rearrange(SWAP4).blend(c14, BIT4);
        FloatVector e11 = c11.blend(c15.rearrange(SWAP4), BIT4);
        FloatVector e15 = c11.rearrange(SWAP4).blend(c15, BIT4);
        FloatVector f0 = e0.blend(e8.rearrange(SWAP8), BIT8);
        FloatVector f8 = e0.rearrange(SWAP8).blend(e8, BIT8);
        FloatVector f1 = e1.blend(e9.rearrange(SWAP8), BIT8);
        FloatVector f9 = e1.rearrange(SWAP8).blend(e9, BIT8);
        FloatVector f2 = e2.blend(e10.rearrange(SWAP8), BIT8);
        FloatVector f10 = e2.rearrange(SWAP8).blend(e10, BIT8);
        FloatVector f3 = e3.blend(e11.rearrange(SWAP8), BIT8);
        FloatVector f11 = e3.rearrange(SWAP8).blend(e11, BIT8);
        FloatVector f4 = e4.blend(e12.rearrange(SWAP8), BIT8);
        FloatVector f12 = e4.rearrange(SWAP8).blend(e12, BIT8);
        FloatVector f5 = e5.blend(e13.rearrange(SWAP8), BIT8);
        FloatVector f13 = e5.rearrange(SWAP8).blend(e13, BIT8);
        FloatVector f6 = e6.blend(e14.rearrange(SWAP8), BIT8);
        FloatVector f14 = e6.rearrange(SWAP8).blend(e14, BIT8);
        FloatVector f7 = e7.blend(e15.rearrange(SWAP8), BIT8);
        FloatVector f15 = e7.rearrange(SWAP8).blend(e15, BIT8);
        f0.intoArray(dst, dstOff + 0 * dstStride);
        f1.intoArray(dst, dstOff + 1 * dstStride);
        f2.intoArray(dst, dstOff + 2 * dstStride);
        f3.intoArray(dst, dstOff + 3 * dstStride);
        f4.intoArray(dst, dstOff + 4 * dstStride);
        f5.intoArray(dst, dstOff + 5 * dstStride);
        f6.intoArray(dst, dstOff + 6 * dstStride);
        f7.intoArray(dst, dstOff + 7 * dstStride);
        f8.intoArray(dst, dstOff + 8 * dstStride);
        f9.intoArray(dst, dstOff + 9 * dstStride);
        f10.intoArray(dst, dstOff + 10 * dstStride);
        f11.intoArray(dst, dstOff + 11 * dstStride);
        f12.intoArray(dst, dstOff + 12 * dstStride);
        f13.intoArray(dst, dstOff + 13 * dstStride);
        f14.intoArray(dst, dstOff + 14 * dstStride);
        f15.intoArray(dst, dstOff + 15 * dstStride);
    }
}
