package vtc.jmh.stages;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import vtc.engine.text.DecodeState;
import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaDecoder;
import vtc.engine.text.PromptRows;
import vtc.loaders.checkpoint.WeightPrecision;

/**
 * One-thread generation of llava-mini timed by the thread's CPU time instead of the wall clock:
 * tokens per CPU-second. On a machine other work keeps busy, wall-clock rates measure the
 * scheduler; CPU time still counts the memory stalls other processes cause, so the figure is
 * pessimistic, but it compares engines fairly when both run under the same load
 * ({@code scripts/decode-cpu.sh} runs llama.cpp beside it). Same steps as {@link DecodeBenchmark}:
 * 32 greedy tokens after a 128-row context, best of 5 rounds after one warm-up.
 *
 * <p>Usage: {@code java -Dvtc.models=DIR -cp benchmarks.jar vtc.jmh.stages.DecodeCpuTime AS_STORED Q8_0}
 */
public final class DecodeCpuTime {

    private static final int CONTEXT = 128;
    private static final int TOKENS = 32;

    private DecodeCpuTime() {
    }

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String model = System.getProperty("vtc.model", "llava-mini-f16");
        for (String precision : args) {
            try (BenchModel bench = BenchModel.open(model, 1, WeightPrecision.valueOf(precision))) {
                LlamaDecoder decoder = bench.model().decoder();
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 6; round++) {
                    KvCache cache = decoder.newCache(CONTEXT + TOKENS);
                    int[] positions = new int[CONTEXT];
                    for (int i = 0; i < CONTEXT; i++) {
                        positions[i] = i;
                    }
                    decoder.prefill(cache, new PromptRows(bench.decoderRows(CONTEXT, 4), positions, CONTEXT,
                            decoder.config().hiddenSize()), null);
                    DecodeState state = decoder.decodeState(cache);
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    int token = 1;
                    for (int t = 0; t < TOKENS; t++) {
                        token = DecodeBenchmark.argMax(state.next(token, CONTEXT + t));
                    }
                    double seconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9 / TOKENS;
                    if (round > 0) {
                        best = Math.min(best, seconds);
                    }
                }
                System.out.printf(Locale.ROOT, "RESULT vtc %s %s 1 thread: %.1f ms CPU per token = %.2f tokens per CPU-second%n",
                        model, precision, best * 1e3, 1 / best);
            }
        }
    }

}
