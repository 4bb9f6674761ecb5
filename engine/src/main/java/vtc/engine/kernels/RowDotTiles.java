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
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import vtc.engine.tensor.DType;

/**
 * Register tiles of {@link RowDotMatMul}: four weight rows ({@code w0..w3}, byte offsets into
 * {@code w}) against one activation row at {@code xo} or four at {@code xo + i·k}, over the
 * first {@code kv} columns (a multiple of {@code LANES}). Each weight vector is read once from memory, widened in registers and used
 * by every activation row; each (activation row, weight row) pair has its own accumulator, so
 * the FMAs never wait on each other. The accumulators go to {@code tile[(i·4 + r)·LANES ..]}
 * unreduced, stored right here: a helper taking vectors as arguments, or the reductions, would
 * push these methods past the JIT's inlining budget, and vectors that are not inlined are boxed.
 *
 * <p>The F16 tiles widen with {@link WeightVectors#f16Finite} and return the largest magnitude
 * seen, so the caller can redo a tile that met an infinity or NaN; the others return 0.
 *
 * <p>Callers reach the kernels through {@link #run}, which calls them via method handles read
 * from an array. The JIT cannot see through such a call, so it compiles each kernel as a method
 * of its own. Inlined together into one caller (a model uses several dtypes and row counts),
 * they would exceed the JIT's per-method node budget, the last ones would stay out of line, and
 * every vector passed to them would be boxed on the heap.
 */
final class RowDotTiles {

    /** Weight rows per tile. */
    static final int WEIGHT_ROWS = 4;
    /** Activation rows per tall tile. */
    static final int ACTIVATION_ROWS = 4;

    private static final MethodType KERNEL = MethodType.methodType(int.class, MemorySegment.class,
            long.class, long.class, long.class, long.class, int.class, float[].class, int.class, int.class,
            float[].class);
    /** Indexed by {@code 2 · dtype.ordinal() + (tall ? 1 : 0)}. */
    private static final MethodHandle[] KERNELS = new MethodHandle[2 * DType.values().length];

    static {
        for (DType dtype : DType.values()) {
            String prefix = dtype.name().toLowerCase(Locale.ROOT);
            KERNELS[2 * dtype.ordinal()] = kernel(prefix + "x1");
            KERNELS[2 * dtype.ordinal() + 1] = kernel(prefix + "x" + ACTIVATION_ROWS);
        }
    }

    private RowDotTiles() {
    }

    private static MethodHandle kernel(String name) {
        try {
            return MethodHandles.lookup().findStatic(RowDotTiles.class, name, KERNEL);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Runs the kernel for {@code dtype} with one activation row, or {@code ACTIVATION_ROWS} if
     * {@code tall}.
     *
     * @return for F16, the largest magnitude read (at least {@link WeightVectors#F16_INF} if an
     *         infinity or NaN was met); 0 for other dtypes
     */
    static int run(DType dtype, boolean tall, MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                   float[] x, int xo, int k, float[] tile) {
        MethodHandle kernel = KERNELS[2 * dtype.ordinal() + (tall ? 1 : 0)];
        try {
            return (int) kernel.invokeExact(w, w0, w1, w2, w3, kv, x, xo, k, tile);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int f32x1(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                             float[] x, int xo, int k, float[] tile) {
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

    private static int bf16x1(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                              float[] x, int xo, int k, float[] tile) {
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
    private static int f16x1(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                             float[] x, int xo, int k, float[] tile) {
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

    private static int f32x4(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                             float[] x, int xo, int k, float[] tile) {
        FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < kv; c += LANES) {
            long b = 4L * c;
            FloatVector v0 = f32(w, w0 + b), v1 = f32(w, w1 + b), v2 = f32(w, w2 + b), v3 = f32(w, w3 + b);
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
        return 0;
    }

    private static int bf16x4(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                              float[] x, int xo, int k, float[] tile) {
        FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < kv; c += LANES) {
            long b = 2L * c;
            FloatVector v0 = bf16(w, w0 + b), v1 = bf16(w, w1 + b), v2 = bf16(w, w2 + b), v3 = bf16(w, w3 + b);
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
        return 0;
    }

    /**
     * Two weight rows at a time (the F16 widening takes more instructions, and four rows would
     * not fit one register-resident loop): {@code w0, w1} into slots 0, 1, then {@code w2, w3}.
     * One call site, so the JIT compiles the pair loop once.
     *
     * @return the largest F16 magnitude read
     */
    private static int f16x4(MemorySegment w, long w0, long w1, long w2, long w3, int kv,
                             float[] x, int xo, int k, float[] tile) {
        int top = 0;
        for (int pair = 0; pair < 2; pair++) {
            long first = pair == 0 ? w0 : w2;
            long second = pair == 0 ? w1 : w3;
            top = Math.max(top, f16Pair(w, first, second, kv, x, xo, k, tile, 2 * pair));
        }
        return top;
    }

    /** Weight rows {@code w0, w1} against four activation rows, into slots {@code (i, s)} and {@code (i, s + 1)}. */
    private static int f16Pair(MemorySegment w, long w0, long w1, int kv, float[] x, int xo, int k,
                               float[] tile, int s) {
        FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        IntVector top = IntVector.zero(INTS);
        for (int c = 0; c < kv; c += LANES) {
            long b = 2L * c;
            IntVector h0 = halves(w, w0 + b), h1 = halves(w, w1 + b);
            top = top.max(f16Magnitudes(h0)).max(f16Magnitudes(h1));
            FloatVector v0 = f16Finite(h0), v1 = f16Finite(h1);
            FloatVector xv = FloatVector.fromArray(FLOATS, x, xo + c);
            a00 = v0.fma(xv, a00); a01 = v1.fma(xv, a01);
            xv = FloatVector.fromArray(FLOATS, x, xo + k + c);
            a10 = v0.fma(xv, a10); a11 = v1.fma(xv, a11);
            xv = FloatVector.fromArray(FLOATS, x, xo + 2 * k + c);
            a20 = v0.fma(xv, a20); a21 = v1.fma(xv, a21);
            xv = FloatVector.fromArray(FLOATS, x, xo + 3 * k + c);
            a30 = v0.fma(xv, a30); a31 = v1.fma(xv, a31);
        }
        a00.intoArray(tile, s * LANES); a01.intoArray(tile, (s + 1) * LANES);
        a10.intoArray(tile, (s + 4) * LANES); a11.intoArray(tile, (s + 5) * LANES);
        a20.intoArray(tile, (s + 8) * LANES); a21.intoArray(tile, (s + 9) * LANES);
        a30.intoArray(tile, (s + 12) * LANES); a31.intoArray(tile, (s + 13) * LANES);
        return top.reduceLanes(VectorOperators.MAX);
    }
}
