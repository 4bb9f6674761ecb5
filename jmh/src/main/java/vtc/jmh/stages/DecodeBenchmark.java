package vtc.jmh.stages;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vtc.engine.text.DecodeState;
import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaDecoder;
import vtc.engine.text.PromptRows;
import vtc.loaders.checkpoint.WeightPrecision;

/**
 * One generated token: a decode step of every layer against the KV cache plus the logits. Each
 * measured iteration is a batch of {@link #TOKENS} consecutive steps after a fresh
 * {@code context}-row prefill (set up, not timed), so the cache never overflows and every
 * iteration sees the same context lengths. Score = time per batch; generation speed =
 * {@link #TOKENS} / score. The bytes all threads allocate during a batch (the prefill set-up
 * excluded) are printed after it as {@link #ALLOCATION_LINE}: divided by {@link #TOKENS}, the
 * allocation per generated token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, batchSize = DecodeBenchmark.TOKENS)
@Measurement(iterations = 7, batchSize = DecodeBenchmark.TOKENS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
public class DecodeBenchmark {

    /** Decode steps per measured iteration. */
    public static final int TOKENS = 32;
    /** Printed after every batch, followed by the bytes allocated and "bytes". */
    public static final String ALLOCATION_LINE = "decode allocation over one batch:";

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Param({"llava-mini-f16"})
    public String model;

    /** Prompt rows already in the cache when generation starts. */
    @Param({"128"})
    public int context;

    @Param({"2"})
    public int threads;

    /** Weights as the checkpoint stores them, or quantized to Q8_0 at load. */
    @Param({"AS_STORED", "Q8_0"})
    public WeightPrecision weights;

    private BenchModel bench;
    private LlamaDecoder decoder;
    private DecodeState state;
    private int position;
    private int token;
    private long allocatedBefore;

    @Setup
    public void setUp() {
        bench = BenchModel.open(model, threads, weights);
        decoder = bench.model().decoder();
    }

    @Setup(Level.Iteration)
    public void prefillContext() {
        KvCache cache = decoder.newCache(context + TOKENS);
        int[] positions = new int[context];
        for (int i = 0; i < context; i++) {
            positions[i] = i;
        }
        decoder.prefill(cache, new PromptRows(bench.decoderRows(context, 4), positions, context,
                decoder.config().hiddenSize()), null);
        state = decoder.decodeState(cache);
        position = context;
        token = 1;
        allocatedBefore = THREADS.getTotalThreadAllocatedBytes();
    }

    @TearDown(Level.Iteration)
    public void reportAllocation() {
        System.out.println(ALLOCATION_LINE + " " + (THREADS.getTotalThreadAllocatedBytes() - allocatedBefore) + " bytes");
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    /** Feeds back the arg-max, as greedy generation does, so each step depends on the one before. */
    @Benchmark
    public int step() {
        float[] logits = state.next(token, position++);
        token = argMax(logits);
        return token;
    }

    /** Greedy's choice (the lower id wins a tie), as the engine's sampler makes it. */
    static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
