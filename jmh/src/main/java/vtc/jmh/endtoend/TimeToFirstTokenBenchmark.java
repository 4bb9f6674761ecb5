package vtc.jmh.endtoend;

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
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.LlavaModel;
import vtc.jmh.stages.BenchModel;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

/**
 * Time to first token of one llava-hf request ("USER: &lt;image&gt;\n" + a one-line question +
 * " ASSISTANT:"): ViT to the feature layer, VTC-CLS selection of {@code keep} patches, projector
 * on the kept rows, decoder prefill and the first token's logits. {@code keep = 576} runs with no
 * selector at all: the unpruned baseline the speedups are taken against. Heap is capped at 2 GB:
 * the weights stay memory-mapped and the KV cache is sized from the prompt.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
public class TimeToFirstTokenBenchmark {

    @Param({"llava-1.5-7b-f16"})
    public String model;

    @Param({"576", "256", "128", "64"})
    public int keep;

    @Param({"2"})
    public int threads;

    private BenchModel bench;
    private GenerationRequest request;

    @Setup
    public void setUp() {
        bench = BenchModel.open(model, threads);
        int patches = bench.model().config().vision().numPatches();
        VtcCls vtcCls = keep >= patches ? null : new VtcCls(VtcCls.DEFAULT_LAYERS, KeepBudget.count(keep));
        request = new GenerationRequest(bench.randomPixels(1), bench.promptIds(), vtcCls,
                new GenerationOptions(1, 0, 1, 0, false));
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public GenerationResult firstToken() {
        LlavaModel model = bench.model();
        return model.generate(request, null);
    }
}
