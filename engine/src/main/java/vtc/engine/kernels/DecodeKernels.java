package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.INTS;
import static vtc.engine.kernels.WeightVectors.LANES;
import static vtc.engine.kernels.WeightVectors.bf16;
import static vtc.engine.kernels.WeightVectors.f16Finite;
import static vtc.engine.kernels.WeightVectors.f16Magnitudes;
import static vtc.engine.kernels.WeightVectors.f32;
import static vtc.engine.kernels.WeightVectors.halves;
import static vtc.engine.kernels.WeightVectors.q8;
import static vtc.engine.kernels.WeightVectors.scale;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * <p>The F16 kernel widens with {@link WeightVectors#f16Finite} and returns the largest magnitude
 * seen, so the caller can redo the rows if it met an infinity or NaN; for matrices a scan at load
 * proved finite, {@code dotF16Finite} skips that check (two fewer operations per vector). The
 * others return 0.
 *
 * <p>Callers reach the kernels through {@link #run}, which calls them via method handles read
 * from an array. The JIT cannot see through such a call, so it compiles each kernel as a method
 * of its own. Inlined together into one caller (a model may store layers in several
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
    private static final MethodHandle Q8_0 = kernel("dotQ8");

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
            a0 = f32(w, w0 + b).fma(xv, a0);
            a1 = f32(w, w1 + b).fma(xv, a1);
            a2 = f32(w, w2 + b).fma(xv, a2);
            a3 = f32(w, w3 + b).fma(xv, a3);
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
            a0 = bf16(w, w0 + b).fma(xv, a0);
            a1 = bf16(w, w1 + b).fma(xv, a1);
            a2 = bf16(w, w2 + b).fma(xv, a2);
            a3 = bf16(w, w3 + b).fma(xv, a3);
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
            IntVector h0 = halves(w, w0 + b), h1 = halves(w, w1 + b);
            IntVector h2 = halves(w, w2 + b), h3 = halves(w, w3 + b);
            a0 = f16Finite(h0).fma(xv, a0);
            a1 = f16Finite(h1).fma(xv, a1);
            a2 = f16Finite(h2).fma(xv, a2);
            a3 = f16Finite(h3).fma(xv, a3);
            top = top.max(f16Magnitudes(h0)).max(f16Magnitudes(h1)).max(f16Magnitudes(h2)).max(f16Magnitudes(h3));
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
            a0 = f16Finite(halves(w, w0 + b)).fma(xv, a0);
            a1 = f16Finite(halves(w, w1 + b)).fma(xv, a1);
            a2 = f16Finite(halves(w, w2 + b)).fma(xv, a2);
            a3 = f16Finite(halves(w, w3 + b)).fma(xv, a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return 0;
    }

    /**
     * Q8_0 rows: per block of 32, the int8 values (widened exactly) times x are summed in one
     * accumulator per row, and that sum is scaled once into the row's total. {@code scales} is
     * the byte offset of the first block scale; a row's scales follow from its value offset.
     */
    private static int dotQ8(MemorySegment w, long w0, long w1, long w2, long w3, long scales, int kv,
                             float[] x, int xo, float[] tile) {
        long s0 = scales + w0 / Q8Quantizer.BLOCK * Float.BYTES, s1 = scales + w1 / Q8Quantizer.BLOCK * Float.BYTES;
        long s2 = scales + w2 / Q8Quantizer.BLOCK * Float.BYTES, s3 = scales + w3 / Q8Quantizer.BLOCK * Float.BYTES;
        FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < kv; c += Q8Quantizer.BLOCK) {
            FloatVector b0 = FloatVector.zero(FLOATS), b1 = b0, b2 = b0, b3 = b0;
            for (int v = c; v < c + Q8Quantizer.BLOCK; v += LANES) {
                FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + v);
                b0 = q8(w, w0 + v).fma(xv, b0);
                b1 = q8(w, w1 + v).fma(xv, b1);
                b2 = q8(w, w2 + v).fma(xv, b2);
                b3 = q8(w, w3 + v).fma(xv, b3);
            }
            long block = (long) c / Q8Quantizer.BLOCK * Float.BYTES;
            a0 = b0.fma(scale(w, s0 + block), a0);
            a1 = b1.fma(scale(w, s1 + block), a1);
            a2 = b2.fma(scale(w, s2 + block), a2);
            a3 = b3.fma(scale(w, s3 + block), a3);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, LANES);
        a2.intoArray(tile, 2 * LANES);
        a3.intoArray(tile, 3 * LANES);
        return 0;
    }
}
