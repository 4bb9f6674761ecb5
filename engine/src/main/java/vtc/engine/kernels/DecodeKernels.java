package vtc.engine.kernels;

import static vtc.engine.kernels.WeightVectors.FLOATS;
import static vtc.engine.kernels.WeightVectors.INTS;
import static vtc.engine.kernels.WeightVectors.LANES;
import static vtc.engine.kernels.WeightVectors.bf16;
import static vtc.engine.kernels.WeightVectors.f16Finite;
import static vtc.engine.kernels.WeightVectors.f16Magnitudes;
import static vtc.engine.kernels.WeightVectors.f32;
import static vtc.engine.kernels.WeightVectors.halves;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.DType;

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
 * seen, so the caller can redo the rows if it met an infinity or NaN; the others return 0.
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
            long.class, long.class, long.class, long.class, int.class, float[].class, int.class, float[].class);
    /** Indexed by {@code dtype.ordinal()}. */
    private static final MethodHandle[] KERNELS = new MethodHandle[DType.values().length];

    static {
        KERNELS[DType.F32.ordinal()] = kernel("dotF32");
        KERNELS[DType.BF16.ordinal()] = kernel("dotBf16");
        KERNELS[DType.F16.ordinal()] = kernel("dotF16");
    }

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
     * Runs the kernel for {@code dtype}.
     *
     * @return for F16, the largest magnitude read (at least {@link WeightVectors#F16_INF} if an
     *         infinity or NaN was met); 0 for other dtypes
     */
    static int run(DType dtype, MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                   float[] x, int xo, float[] tile) {
        MethodHandle kernel = KERNELS[dtype.ordinal()];
        try {
            return (int) kernel.invokeExact(w, w0, w1, w2, w3, kv, x, xo, tile);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int dotF32(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
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

    private static int dotBf16(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
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
    private static int dotF16(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
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
}
