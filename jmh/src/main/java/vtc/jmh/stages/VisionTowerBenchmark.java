package vtc.jmh.stages;

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
import org.openjdk.jmh.infra.Blackhole;
import vtc.engine.prune.KeptRows;
import vtc.engine.prune.TokenSelector;
import vtc.engine.vision.ClipVisionTower;
import vtc.pruning.KeepBudget;
import vtc.pruning.PruMergePlus;
import vtc.pruning.VtcCls;

/**
 * The CLIP ViT-L/14-336 forward pass up to LLaVA's feature layer (577 tokens, 23 of 24 layers),
 * alone and with VTC-CLS watching its last three layers, then choosing and compacting the kept
 * rows (docs/semantics.md, "VTC-CLS"). The difference of the two is the pruning overhead seen from outside;
 * {@link PruningOverheadBenchmark} times the pruning work alone, which is far below this
 * benchmark's noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 7)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
public class VisionTowerBenchmark {

    /** A model directory under {@code -Dvtc.models}; llava-mini has the real CLIP ViT-L/14-336 tower. */
    @Param({"llava-mini-f16"})
    public String model;

    @Param({"2"})
    public int threads;

    @Param({"64"})
    public int keep;

    private BenchModel bench;
    private ClipVisionTower tower;
    private float[] pixels;
    private VtcCls vtcCls;
    private TokenSelector pruMergePlus;

    @Setup
    public void setUp() {
        bench = BenchModel.open(model, threads);
        tower = bench.model().vision();
        pixels = bench.randomPixels(1);
        vtcCls = new VtcCls(VtcCls.DEFAULT_LAYERS, KeepBudget.count(keep));
        pruMergePlus = bench.model().config().vision().numPatches() == PruMergePlus.OFFICIAL_PATCHES
                ? PruMergePlus.official(keep) : new PruMergePlus(13, 11);
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public float[] forward() {
        return tower.patchFeatures(pixels, null, null);
    }

    @Benchmark
    public void forwardWithVtcCls(Blackhole out) {
        VtcCls.Score selection = vtcCls.begin(bench.model().visionShape());
        float[] features = tower.patchFeatures(pixels, selection, null);
        int[] kept = selection.keep();
        int d = tower.config().hiddenSize();
        float[] rows = new float[kept.length * d];
        KeptRows.gather(features, d, kept, rows);
        out.consume(rows);
        out.consume(kept);
    }

    /**
     * The forward pass with PruMerge+ (official preset of {@code keep}) watching: the last layer's
     * {@code layer_norm1}, {@code q_proj} of the [CLS] row and {@code k_proj} of all rows on top
     * of {@link #forward}, then the selection's attention, choice and merge.
     */
    @Benchmark
    public void forwardWithPruMerge(Blackhole out) {
        TokenSelector.Selection selection = pruMergePlus.begin(bench.model().visionShape());
        float[] features = tower.patchFeatures(pixels, selection, null);
        out.consume(selection.keepPatches(features, tower.config().hiddenSize()));
    }
}
