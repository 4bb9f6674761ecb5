package vtc.jmh.endtoend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.LlavaModel;
import vtc.jmh.stages.BenchModel;
import vtc.loaders.checkpoint.WeightPrecision;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

/**
 * Aggregate generation throughput of {@code streams} requests arriving together on one model,
 * each from its own thread (as a server's connections would): every request runs its own ViT,
 * VTC-CLS selection ({@code keep} patches) and prompt pass, then generates {@link #TOKENS} tokens
 * (no stop at end-of-sequence); the decode steps of the requests are batched by the engine.
 * One invocation = all streams done. Aggregate tokens/s = streams × {@link #TOKENS} / score;
 * the ratio to {@code streams = 1} is the batching gain (decode-only gains are in
 * {@code vtc.jmh.stages.BatchDecodeBenchmark}). Each stream has its own image, so nothing is
 * shared but the weights.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g", "-XX:+UseParallelGC"})
public class ConcurrentStreamsBenchmark {

    /** Tokens each stream generates. */
    public static final int TOKENS = 64;

    @Param({"llava-mini-f16"})
    public String model;

    @Param({"1", "2", "4", "8"})
    public int streams;

    @Param({"64"})
    public int keep;

    @Param({"2"})
    public int threads;

    private BenchModel bench;
    private ExecutorService callers;
    private List<GenerationRequest> requests;

    @Setup
    public void setUp() {
        bench = BenchModel.open(model, threads, WeightPrecision.AS_STORED);
        callers = Executors.newFixedThreadPool(streams);
        requests = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            requests.add(new GenerationRequest(bench.randomPixels(1 + s), bench.promptIds(),
                    new VtcCls(VtcCls.DEFAULT_LAYERS, KeepBudget.count(keep)),
                    new GenerationOptions(TOKENS, 0, 1, 0, false)));
        }
    }

    @TearDown
    public void tearDown() {
        callers.shutdownNow();
        bench.close();
    }

    @Benchmark
    public int allStreams() throws Exception {
        LlavaModel m = bench.model();
        List<Future<Integer>> running = new ArrayList<>();
        for (GenerationRequest r : requests) {
            running.add(callers.submit(() -> m.generate(r, null).generatedIds().length));
        }
        int generated = 0;
        for (Future<Integer> f : running) {
            generated += f.get();
        }
        return generated;
    }
}
