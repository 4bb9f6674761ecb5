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
import vtc.jmh.stages.BenchModel;
import vtc.loaders.checkpoint.WeightPrecision;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

/**
 * Time to first token of a follow-up question about an image already asked about, against the
 * first question, with the prefix cache on. {@code firstQuestion} uses a new image every time (a
 * miss: ViT, VTC-CLS, projector and the whole prompt pass); {@code followUp} asks another
 * question about the image the set-up asked about (a hit: only the question's tokens go through
 * the decoder). The targets: follow-up ≤ 25 % of first at keep 64, ≤ 10 % at 576
 * ({@code keep = 576} is no pruning).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-XX:+UseParallelGC"})
public class FollowUpQuestionBenchmark {

    /** Big enough for a few 7B prefixes of 576 image rows (~0.6 GB each in float32). */
    private static final long PREFIX_CACHE_BYTES = 2L << 30;

    @Param({"llava-1.5-7b-f16"})
    public String model;

    @Param({"64", "576"})
    public int keep;

    @Param({"2"})
    public int threads;

    private BenchModel bench;
    private VtcCls selector;
    private int[] followUpIds;
    private long nextImage = 1000;

    @Setup
    public void setUp() {
        bench = BenchModel.open(model, threads, WeightPrecision.AS_STORED, PREFIX_CACHE_BYTES);
        int patches = bench.model().config().vision().numPatches();
        selector = keep >= patches ? null : new VtcCls(VtcCls.DEFAULT_LAYERS, KeepBudget.count(keep));
        followUpIds = bench.promptIds("What colour is the largest object?");
        bench.model().generate(request(bench.randomPixels(1), bench.promptIds()), null);
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public GenerationResult firstQuestion() {
        return bench.model().generate(request(bench.randomPixels(nextImage++), bench.promptIds()), null);
    }

    @Benchmark
    public GenerationResult followUp() {
        return bench.model().generate(request(bench.randomPixels(1), followUpIds), null);
    }

    private GenerationRequest request(float[] pixels, int[] ids) {
        return new GenerationRequest(pixels, ids, selector, new GenerationOptions(1, 0, 1, 0, false));
    }
}
