package vtc.jmh.stages;

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
import vtc.engine.text.DecodeBatch;
import vtc.engine.text.DecodeState;
import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaDecoder;
import vtc.engine.text.PromptRows;

/**
 * Decode steps of {@code rows} sequences batched together ({@link DecodeBatch}: one pass over the
 * weights per step for all of them), each sequence with {@code context} prompt rows already in
 * its own KV cache (set up, not timed). An iteration is {@link #STEPS} steps; aggregate
 * tokens/s = rows × {@link #STEPS} / score. Compare with {@code rows = 1}, run interleaved in the
 * same session: decode reads every weight once per step, so B rows should cost far less than B
 * single steps until the arithmetic catches up with the memory traffic.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, batchSize = BatchDecodeBenchmark.STEPS)
@Measurement(iterations = 7, batchSize = BatchDecodeBenchmark.STEPS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g", "-XX:+UseParallelGC"})
public class BatchDecodeBenchmark {

    /** Decode steps per measured iteration. */
    public static final int STEPS = 16;

    @Param({"llava-mini-f16"})
    public String model;

    @Param({"1", "2", "4", "8"})
    public int rows;

    @Param({"128"})
    public int context;

    @Param({"2"})
    public int threads;

    private BenchModel bench;
    private LlamaDecoder decoder;
    private DecodeBatch batch;
    private DecodeState[] states;
    private int[] tokens;
    private int[] positions;

    @Setup
    public void setUp() {
        bench = BenchModel.open(model, threads);
        decoder = bench.model().decoder();
        batch = new DecodeBatch(decoder);
    }

    @Setup(Level.Iteration)
    public void prefillContexts() {
        states = new DecodeState[rows];
        tokens = new int[rows];
        positions = new int[rows];
        for (int s = 0; s < rows; s++) {
            KvCache cache = decoder.newCache(context + STEPS);
            decoder.prefill(cache, new PromptRows(bench.decoderRows(context, 1 + s), context,
                    decoder.config().hiddenSize()), null);
            states[s] = decoder.decodeState(cache);
            tokens[s] = 1 + s;
            positions[s] = context;
        }
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public DecodeState[] batchStep() {
        batch.step(states, tokens, positions, rows);
        for (int s = 0; s < rows; s++) {
            positions[s]++;
        }
        return states;
    }
}
