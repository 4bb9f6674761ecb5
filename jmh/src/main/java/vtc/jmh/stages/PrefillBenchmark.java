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
import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaDecoder;
import vtc.engine.text.PromptRows;

/**
 * The decoder's prompt pass: {@code rows} rows through every layer into a fresh KV cache, then
 * the first token's logits (final norm + lm_head of the last row). 640 rows is the unpruned
 * LLaVA prompt (576 image + ~60 text tokens), 128 a pruned one. Prompt speed = rows / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
public class PrefillBenchmark {

    @Param({"llava-mini-f16"})
    public String model;

    @Param({"640", "128"})
    public int rows;

    @Param({"2"})
    public int threads;

    private BenchModel bench;
    private LlamaDecoder decoder;
    private float[] prompt;
    private float[] x;
    private int[] positions;
    private float[] logits;

    @Setup
    public void setUp() {
        bench = BenchModel.open(model, threads);
        decoder = bench.model().decoder();
        prompt = bench.decoderRows(rows, 2);
        x = new float[prompt.length];
        positions = new int[rows];
        logits = new float[decoder.config().vocabSize()];
    }

    /** The pass updates its input rows in place, so each run starts from a fresh copy (not timed). */
    @Setup(Level.Iteration)
    public void freshRows() {
        System.arraycopy(prompt, 0, x, 0, prompt.length);
        for (int i = 0; i < rows; i++) {
            positions[i] = i;
        }
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public float[] prefill() {
        KvCache cache = decoder.newCache(rows + 1);
        decoder.prefill(cache, new PromptRows(x, positions, rows, decoder.config().hiddenSize()), null);
        decoder.logits(x, rows - 1, logits);
        return logits;
    }
}
