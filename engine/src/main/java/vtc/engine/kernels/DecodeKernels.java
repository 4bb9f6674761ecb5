package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.BYTES;
import static vtc.engine.kernels.WeightVectors.F16_KEEP;
import static vtc.engine.kernels.WeightVectors.F16_MAGNITUDE;
import static vtc.engine.kernels.WeightVectors.F16_REBIAS;
import static vtc.engine.kernels.WeightVectors.F16_SHIFT;
import static vtc.engine.kernels.WeightVectors.F32_LE;
import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.HALVES;
import static vtc.engine.kernels.WeightVectors.INTS;
import static vtc.engine.kernels.WeightVectors.LANES;
import static vtc.engine.kernels.WeightVectors.LE;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;

/**
 * The decode kernels of {@link RowDotMatMul}: four weight rows ({@code w0..w3}, byte offsets into
 * {@code w}) against one activation row at {@code xo}, over the first {@code kv} columns (a
 * multiple of {@code LANES}), straight from the stored weights. Four rows are streamed side by
 * side, each weight vector widened in registers and used at once; each row has its own
 * accumulator, so the FMAs never wait on each other. The accumulators go to
 * {@code tile[r·LANES ..]} unreduced, stored right here: a helper taking vectors as arguments, or
 * the reductions, would push these methods past the JIT's inlining budget, and vectors that are
 * not inlined are boxed.
 *
 * <p>Each weight vector is loaded and widened right in the loop body, with Vector API calls only,
 * not through small helpers of ours ("widen these F16 bits"). The JDK marks its Vector API
 * methods to be inlined always (late, if the method is already large); a helper of ours is
 * inlined only if the JIT's heuristics agree, and those depend on what ran first. After a kernel
 * had been called many times on rows shorter than one vector (its loop never ran, as with tiny
 * test models) and then trapped on longer rows, C2 recompiled the F16 kernel, ran out of its
 * node budget before the last helper ("NodeCountInliningCutoff"; other profiles gave "low call
 * site frequency"), and called it out of line: its vectors were boxed on every call from then
 * on, about 18 KB per call, and nothing in that code ever traps to get it recompiled. Written
 * inline, the kernels keep their vectors in registers whatever compiled first. What each
 * widening computes, and its constants, are explained in {@link WeightVectors}.
 *
 * <p>The F16 kernel widens every value as if finite (three operations: shift, mask, rebias) and
 * returns the largest magnitude seen, so the caller can redo the rows if it met an infinity or
 * NaN; for matrices a scan at load proved finite, {@code dotF16Finite} skips that check (two
 * fewer operations per vector). The others return 0.
 *
 * <p>Callers reach the kernels through {@link #run}, which calls them via the method handle chosen
 * by dtype. Once more than one dtype has run, the JIT cannot see through that call (the handle is
 * no longer a constant), so it compiles each kernel as a method of its own. Inlined together into one caller (a model may store layers in several
 * dtypes), they would exceed the JIT's per-method node budget, the last ones would stay out of line, and
 * every vector passed to them would be boxed on the heap.
 */
final class DecodeKernels {

    /** Weight rows per kernel call. */
    static final int WEIGHT_ROWS = 4;

    private static final MethodType KERNEL = MethodType.methodType(int.class, MemorySegment.class,
            long.class, long.class, long.class, long.class, long.class, int.class, float[].class, int.class,
            float[].class);
    private static final MethodHandle F32 = kernel("dotF32");
    private static final MethodHandle BF16 = kernel("dotBf16");
    private static final MethodHandle F16 = kernel("dotF16");
    private static final MethodHandle F16_FINITE = kernel("dotF16Finite");
    /** Q8_0 blocks as two halves of one vector each where that is their size (512-bit vectors). */
    private static final MethodHandle Q8_0 = kernel(2 * LANES == Q8Quantizer.BLOCK ? "dotQ8" : "dotQ8Looped");

    private DecodeKernels() {
    }

    private static MethodHandle kernel(String name) {
        try {
            return MethodHandles.lookup().findStatic(DecodeKernels.class, name, KERNEL);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Runs the kernel for {@code weights}' dtype on its rows at byte offsets {@code w0..w3}.
     *
     * @return for F16 not proven {@linkplain WeightMatrix#finite() finite}, the largest magnitude
     *         read (at least {@link WeightVectors#F16_INF} if an infinity or NaN was met); else 0
     */
    static int run(WeightMatrix weights, long w0, long w1, long w2, long w3, int kv, float[] x, int xo,
                   float[] tile) {
        MethodHandle kernel = switch (weights.dtype()) {
            case F32 -> F32;
            case BF16 -> BF16;
            case F16 -> weights.finite() ? F16_FINITE : F16;
            case Q8_0 -> Q8_0;
        };
        long scales = weights.scaleOffset(0, 0);
        try {
            return (int) kernel.invokeExact(weights.data(), w0, w1, w2, w3, scales, kv, x, xo, tile);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int dotF32(MemorySegment w, long w0, long w1, long w2, long w3, long scales, int kv,
                             float[] x, int xo, float[] tile) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < kv; c += LANES) {
            long b = 4L * c;
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            a0 = FloatVector.fromMemorySegment(FLOATS, w, w0 + b, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(FLOATS, w, w1 + b, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(FLOATS, w, w2 + b, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(FLOATS, w, w3 + b, LE).fma(xv, a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return 0;
    }

    private static int dotBf16(MemorySegment w, long w0, long w1, long w2, long w3, long scales, int kv,
                              float[] x, int xo, float[] tile) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < kv; c += LANES) {
            long b = 2L * c;
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w0 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w1 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w2 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w3 + b, LE).convertShape(S2I, INTS, 0);
            // BF16 bits are the high half of a float32
            a0 = h0.lanewise(LSHL, 16).reinterpretAsFloats().fma(xv, a0);
            a1 = h1.lanewise(LSHL, 16).reinterpretAsFloats().fma(xv, a1);
            a2 = h2.lanewise(LSHL, 16).reinterpretAsFloats().fma(xv, a2);
            a3 = h3.lanewise(LSHL, 16).reinterpretAsFloats().fma(xv, a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return 0;
    }

    /** @return the largest F16 magnitude read */
    private static int dotF16(MemorySegment w, long w0, long w1, long w2, long w3, long scales, int kv,
                             float[] x, int xo, float[] tile) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        IntVector top = IntVector.zero(INTS);
        for (int c = 0; c < kv; c += LANES) {
            long b = 2L * c;
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w0 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w1 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w2 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w3 + b, LE).convertShape(S2I, INTS, 0);
            // F16 widened as if finite (WeightVectors.F16_SHIFT); the magnitudes flag what was not
            a0 = h0.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a0);
            a1 = h1.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a1);
            a2 = h2.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a2);
            a3 = h3.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a3);
            top = top.max(h0.and(F16_MAGNITUDE)).max(h1.and(F16_MAGNITUDE))
                    .max(h2.and(F16_MAGNITUDE)).max(h3.and(F16_MAGNITUDE));
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return top.reduceLanes(VectorOperators.MAX);
    }

    /** {@link #dotF16} for weights a load-time scan proved finite: no magnitude check per vector. */
    private static int dotF16Finite(MemorySegment w, long w0, long w1, long w2, long w3, long scales, int kv,
                                    float[] x, int xo, float[] tile) {
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < kv; c += LANES) {
            long b = 2L * c;
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w0 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w1 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w2 + b, LE).convertShape(S2I, INTS, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(HALVES, w, w3 + b, LE).convertShape(S2I, INTS, 0);
            a0 = h0.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a0);
            a1 = h1.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a1);
            a2 = h2.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a2);
            a3 = h3.lanewise(LSHL, F16_SHIFT).and(F16_KEEP).reinterpretAsFloats().mul(F16_REBIAS).fma(xv, a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return 0;
    }

    /**
     * Q8_0 rows: per block of 32, the two halves' int8 values (widened exactly) times x are summed
     * into one vector per row, and that sum is scaled once into the row's total. The block is
     * written out as its two halves rather than as a loop over them: with an inner loop C2 kept
     * the loop and its per-trip checks, 1.2–1.6 times slower. {@code scales} is the byte offset
     * of the first block scale; a row's scales follow from its value offset. Needs
     * {@code 2·LANES == BLOCK}; {@link #dotQ8Looped} serves other vector sizes.
     */
    static int dotQ8(MemorySegment w, long w0, long w1, long w2, long w3, long scales, int kv,
                     float[] x, int xo, float[] tile) {
        long s0 = scales + w0 / Q8Quantizer.BLOCK * Float.BYTES, s1 = scales + w1 / Q8Quantizer.BLOCK * Float.BYTES;
        long s2 = scales + w2 / Q8Quantizer.BLOCK * Float.BYTES, s3 = scales + w3 / Q8Quantizer.BLOCK * Float.BYTES;
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < kv; c += Q8Quantizer.BLOCK) {
            int h = c + LANES;
            FloatVector xl = FloatVector.fromArray(FLOATS, x, xo + c), xh = FloatVector.fromArray(FLOATS, x, xo + h);
            FloatVector b0 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w0 + c, LE).convertShape(B2F, FLOATS, 0)).mul(xl);
            FloatVector b1 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w1 + c, LE).convertShape(B2F, FLOATS, 0)).mul(xl);
            FloatVector b2 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w2 + c, LE).convertShape(B2F, FLOATS, 0)).mul(xl);
            FloatVector b3 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w3 + c, LE).convertShape(B2F, FLOATS, 0)).mul(xl);
            b0 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w0 + h, LE).convertShape(B2F, FLOATS, 0)).fma(xh, b0);
            b1 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w1 + h, LE).convertShape(B2F, FLOATS, 0)).fma(xh, b1);
            b2 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w2 + h, LE).convertShape(B2F, FLOATS, 0)).fma(xh, b2);
            b3 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w3 + h, LE).convertShape(B2F, FLOATS, 0)).fma(xh, b3);
            long block = (long) c / Q8Quantizer.BLOCK * Float.BYTES;
            a0 = b0.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s0 + block)), a0);
            a1 = b1.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s1 + block)), a1);
            a2 = b2.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s2 + block)), a2);
            a3 = b3.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s3 + block)), a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return 0;
    }

    /** {@link #dotQ8} for any vector size dividing the block: the block's vectors as a loop. */
    static int dotQ8Looped(MemorySegment w, long w0, long w1, long w2, long w3, long scales, int kv,
                           float[] x, int xo, float[] tile) {
        long s0 = scales + w0 / Q8Quantizer.BLOCK * Float.BYTES, s1 = scales + w1 / Q8Quantizer.BLOCK * Float.BYTES;
        long s2 = scales + w2 / Q8Quantizer.BLOCK * Float.BYTES, s3 = scales + w3 / Q8Quantizer.BLOCK * Float.BYTES;
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < kv; c += Q8Quantizer.BLOCK) {
            FloatVector b0 = FloatVector.zero(FLOATS), b1 = b0, b2 = b0, b3 = b0;
            for (int v = c; v < c + Q8Quantizer.BLOCK; v += LANES) {
                FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + v);
                b0 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w0 + v, LE).convertShape(B2F, FLOATS, 0)).fma(xv, b0);
                b1 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w1 + v, LE).convertShape(B2F, FLOATS, 0)).fma(xv, b1);
                b2 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w2 + v, LE).convertShape(B2F, FLOATS, 0)).fma(xv, b2);
                b3 = ((FloatVector) ByteVector.fromMemorySegment(BYTES, w, w3 + v, LE).convertShape(B2F, FLOATS, 0)).fma(xv, b3);
            }
            long block = (long) c / Q8Quantizer.BLOCK * Float.BYTES;
            a0 = b0.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s0 + block)), a0);
            a1 = b1.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s1 + block)), a1);
            a2 = b2.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s2 + block)), a2);
            a3 = b3.fma(FloatVector.broadcast(FLOATS, w.get(F32_LE, s3 + block)), a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return 0;
    }
}
