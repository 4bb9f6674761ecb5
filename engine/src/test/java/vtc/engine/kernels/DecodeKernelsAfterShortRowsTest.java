package vtc.engine.kernels;

import static vtc.engine.kernels.KernelAllocationTest.eventuallyAllocationFree;

import org.junit.jupiter.api.Test;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/**
 * The decode kernels stay allocation-free whatever the JIT saw first. Here it first sees each
 * kernel called many times on rows shorter than one vector (as tiny test models do), so the
 * kernel is compiled with its loop never run, traps when rows get longer, and is compiled again
 * from that profile. Before the kernels widened in their loop bodies, that second compile of the
 * F16 kernel ran out of the JIT's node budget before it got to the last widening helper
 * ("NodeCountInliningCutoff"; other profiles gave "low call site frequency"), called it out of
 * line, and boxed its vectors on every call from then on: about 18 KB per call. Vector API
 * methods are always inlined (late, if need be), so written inline the kernels keep their
 * vectors in registers.
 *
 * <p>One thread, so the profile and what compiles when do not depend on how the work is split.
 * It needs a JVM in which nothing else ran the kernels first, so the build runs it in a JVM of
 * its own, like {@link KernelAllocationTest}.
 */
class DecodeKernelsAfterShortRowsTest {

    /** Kernel calls on short rows first (24 per matmul): the loop's call sites look cold. */
    private static final int SHORT_ROW_CALLS = 30_000;

    @Test
    void decodeKernelsAllocateNothingAfterManyCallsOnShortRows() throws InterruptedException {
        int rows = 96;
        try (Parallel one = new Parallel(1)) {
            for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                int shortK = WeightVectors.LANES - 1; // the kernel's loop runs no iteration
                WeightMatrix w = TestWeights.matrix("short", dtype, rows, shortK, new float[rows * shortK]);
                float[] x = new float[shortK];
                float[] out = new float[rows];
                for (int i = 0; i < SHORT_ROW_CALLS; i++) {
                    MatMul.matmul(one, x, 0, 1, w, null, out, 0);
                }
            }
            for (DType dtype : DType.values()) {
                int k = dtype == DType.Q8_0 ? 64 : 70; // Q8_0 rows are whole blocks of 32
                WeightMatrix w = TestWeights.matrix("w", dtype, rows, k, new float[rows * k]);
                float[] x = new float[k];
                float[] out = new float[rows];
                eventuallyAllocationFree("matmul m=1 " + dtype + " after short rows",
                        () -> MatMul.matmul(one, x, 0, 1, w, null, out, 0));
            }
        }
    }
}
