package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/**
 * Once compiled by the JIT, no kernel call allocates (measured with the JDK's per-thread
 * allocation counter). Before that, interpreted Vector API code boxes its vectors, so each
 * kernel is called in rounds until a round of calls allocates nothing; the test fails only if
 * that never happens within a bounded number of rounds (a kernel that allocates per call, e.g.
 * because a vector escapes a method the JIT cannot inline, never reaches zero).
 */
class KernelAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 300;

    @Test
    void matmulAndParallelAllocateNothingPerCall() throws InterruptedException {
        try (Parallel two = new Parallel(2)) {
            for (DType dtype : DType.values()) {
                int k = dtype == DType.Q8_0 ? 64 : 70; // Q8_0 rows are whole blocks of 32
                WeightMatrix w = TestWeights.matrix("w", dtype, 96, k, new float[96 * k]);
                int blocked = MatMul.BLOCKED_MIN_ROWS;
                float[] x = new float[blocked * k];
                float[] out = new float[blocked * 96];
                float[] bias = new float[96];
                eventuallyAllocationFree("matmul m=1 " + dtype, () -> MatMul.matmul(two, x, 0, 1, w, null, out, 0));
                eventuallyAllocationFree("matmul m=5 " + dtype, () -> MatMul.matmul(two, x, 0, 5, w, bias, out, 0));
                eventuallyAllocationFree("matmul m=" + blocked + " " + dtype,
                        () -> MatMul.matmul(two, x, 0, blocked, w, bias, out, 0));
            }
            float[] sink = new float[64];
            Parallel.RangeTask task = (from, to) -> sink[from] += to;
            eventuallyAllocationFree("forRange", () -> two.forRange(64, task));
        }
    }

    @Test
    void elementwiseKernelsAllocateNothingPerCall() throws InterruptedException {
        float[] a = new float[70];
        float[] b = new float[70];
        float[] c = new float[70];
        Arrays.fill(b, 0.5f);
        Rope rope = new Rope(16, 1e4);
        eventuallyAllocationFree("layerNorm", () -> Norms.layerNorm(a, 0, 67, b, b, 1e-5f, c, 0));
        eventuallyAllocationFree("rmsNorm", () -> Norms.rmsNorm(a, 0, 67, b, 1e-5f, c, 0));
        eventuallyAllocationFree("softmax", () -> Softmax.softmax(c, 0, 67));
        eventuallyAllocationFree("gelu", () -> Activations.gelu(c, 0, 67));
        eventuallyAllocationFree("quickGelu", () -> Activations.quickGelu(c, 0, 67));
        eventuallyAllocationFree("siluMul", () -> Activations.siluMul(c, 0, b, 0, 67));
        eventuallyAllocationFree("dot/add/scale", () -> {
            c[0] += VectorOps.dot(a, 0, b, 0, 67) * 1e-3f;
            VectorOps.add(c, 0, b, 0, 67);
            VectorOps.scale(c, 0, 67, 0.5f);
        });
        eventuallyAllocationFree("rope", () -> rope.apply(a, 0, 4, 300));
        eventuallyAllocationFree("attendRow", () ->
                Attention.attendRow(a, 0, b, 0, 16, c, 0, 16, 4, 16, 0.25f, a, 32, a, 48));
    }

    static void eventuallyAllocationFree(String what, Runnable call) throws InterruptedException {
        long last = -1;
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < 2000; i++) {
                call.run();
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) {
                call.run();
            }
            last = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (last == 0) {
                return;
            }
            Thread.sleep(5); // let the JIT's compiler threads finish
        }
        fail(what + " still allocates " + last + " bytes per 200 calls after " + ROUNDS + " rounds");
    }
}
