package vtc.engine.text;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtc.engine.StoredAs;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.RandomModel;
import vtc.engine.tensor.DType;

/**
 * A generated token allocates nothing once the JIT has compiled the decode path: a model with
 * F16 weights (proven finite at load, as the loaders do) prefills a prompt, which compiles the
 * prompt-pass kernels and the widening they share with decode first, then decodes token after
 * token. The bytes allocated by the calling thread and the pool's workers are read around
 * batches of steps (the JDK's per-thread counters); interpreted Vector API code boxes, so the
 * test waits, within a bounded number of steps, for a batch that allocates nothing. Widths are
 * whole vectors at any vector size up to 512 bits, so every matmul runs the streaming decode
 * kernels' loops.
 */
class DecodeStepAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final LlamaConfig CONFIG =
            new LlamaConfig(96, 128, 256, 2, 4, 2, 32, "silu", 4096, 1e-5, 10000, false, 1, new int[] {2});
    private static final int PROMPT = 12;
    private static final int WARM_STEPS = 40;
    private static final int MEASURED_STEPS = 10;
    private static final int ROUNDS = 90;

    @Test
    void decodeStepsOfAnF16ModelAllocateNothingOnceCompiled() {
        try (Parallel two = new Parallel(2)) {
            LlamaDecoder decoder = new LlamaDecoder(CONFIG,
                    StoredAs.llama(new RandomModel(5).llama(CONFIG), DType.F16), two);
            int d = CONFIG.hiddenSize();
            KvCache cache = decoder.newCache(PROMPT + ROUNDS * (WARM_STEPS + MEASURED_STEPS));
            float[] x = new float[PROMPT * d];
            int[] positions = new int[PROMPT];
            for (int t = 0; t < PROMPT; t++) {
                decoder.embed(t % CONFIG.vocabSize(), x, t * d);
                positions[t] = t;
            }
            decoder.prefill(cache, new PromptRows(x, positions, PROMPT, d), null);
            DecodeState state = decoder.decodeState(cache);
            long[] threads = poolThreads();
            int pos = PROMPT;
            long last = -1;
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < WARM_STEPS; i++, pos++) {
                    state.next(pos % CONFIG.vocabSize(), pos);
                }
                long before = allocated(threads);
                for (int i = 0; i < MEASURED_STEPS; i++, pos++) {
                    state.next(pos % CONFIG.vocabSize(), pos);
                }
                last = allocated(threads) - before;
                if (last == 0) {
                    return;
                }
            }
            fail("decode still allocates " + last + " bytes per " + MEASURED_STEPS + " steps after "
                    + ROUNDS * (WARM_STEPS + MEASURED_STEPS) + " steps");
        }
    }

    /** This thread and the pool's workers (the JDK names no other thread {@code vtc-worker-*}). */
    private static long[] poolThreads() {
        List<Long> ids = new ArrayList<>(List.of(Thread.currentThread().threadId()));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("vtc-worker-")) {
                ids.add(t.threadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long allocated(long[] threads) {
        long sum = 0;
        for (long id : threads) {
            sum += THREADS.getThreadAllocatedBytes(id);
        }
        return sum;
    }
}
