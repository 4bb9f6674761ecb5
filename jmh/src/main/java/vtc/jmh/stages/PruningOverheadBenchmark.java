package vtc.jmh.stages;

import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;
import vtc.engine.prune.VisionShape;
import vtc.engine.prune.VisualTokenSelector;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

/**
 * Everything VTC-CLS adds to a ViT-L/14-336 forward pass (SPEC §4), at the real shape: 16 heads,
 * 577 tokens, feature layer 22, K = 3. One operation copies each watched [CLS] softmax row aside
 * (as the tower does) and hands it to the selection, scores the 576 patches, selects the top U and
 * compacts the kept rows of the {@code [576, 1024]} features. Divided by
 * {@link VisionTowerBenchmark#forward}, this is the overhead share the issue bounds by 0.5 %.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g", "-XX:+UseParallelGC"})
public class PruningOverheadBenchmark {

    private static final int HEADS = 16;
    private static final int GRID = 24;
    private static final int FEATURE_LAYER = 22;
    private static final int HIDDEN = 1024;

    @Param({"576", "256", "128", "64"})
    public int keep;

    private final VisionShape shape = new VisionShape(FEATURE_LAYER, HEADS, GRID);
    private VisualTokenSelector vtcCls;
    /** Softmax rows of the [CLS] query, one per head, for each watched layer. */
    private float[][] clsProbs;
    private float[] copiedRows;
    private float[] features;

    @Setup
    public void setUp() {
        int tokens = GRID * GRID + 1;
        vtcCls = new VtcCls(VtcCls.DEFAULT_LAYERS, KeepBudget.count(keep));
        Random random = new Random(3);
        clsProbs = new float[VtcCls.DEFAULT_LAYERS][HEADS * tokens];
        for (float[] layer : clsProbs) {
            for (int h = 0; h < HEADS; h++) {
                softmaxRow(random, layer, h * tokens, tokens);
            }
        }
        copiedRows = new float[HEADS * tokens];
        features = new float[GRID * GRID * HIDDEN];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
    }

    private static void softmaxRow(Random random, float[] row, int from, int length) {
        double sum = 0;
        for (int j = 0; j < length; j++) {
            row[from + j] = (float) Math.exp(3 * random.nextGaussian());
            sum += row[from + j];
        }
        for (int j = 0; j < length; j++) {
            row[from + j] /= (float) sum;
        }
    }

    @Benchmark
    public int[] recordScoreSelectCompact() {
        int tokens = GRID * GRID + 1;
        VisualTokenSelector.Selection selection = vtcCls.begin(shape);
        int firstLayer = FEATURE_LAYER - VtcCls.DEFAULT_LAYERS + 1;
        for (int l = 0; l < VtcCls.DEFAULT_LAYERS; l++) {
            System.arraycopy(clsProbs[l], 0, copiedRows, 0, copiedRows.length);
            for (int h = 0; h < HEADS; h++) {
                selection.clsAttention(firstLayer + l, h, copiedRows, h * tokens, tokens);
            }
        }
        int[] kept = selection.keep();
        KeptRows.compact(features, HIDDEN, kept);
        return kept;
    }
}
