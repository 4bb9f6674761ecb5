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
import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.KeptRows;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;
import vtc.pruning.KeepBudget;
import vtc.pruning.PruMerge;
import vtc.pruning.PruMergePlus;
import vtc.pruning.PruMergeSelection;
import vtc.pruning.VtcCls;

/**
 * What each pruning method adds to a ViT-L/14-336 forward pass, at the real shape: 16 heads, 577
 * tokens, width 1024, feature layer 22.
 *
 * <ul>
 *   <li>{@link #recordScoreSelectCompact}: VTC-CLS with K = 3 (docs/semantics.md, "VTC-CLS"). One
 *       operation copies each watched [CLS] softmax row aside (as the tower does) and hands it to
 *       the selection, scores the 576 patches, selects the top U and gathers the kept rows of the
 *       {@code [576, 1024]} features with the engine's own gather. Divided by
 *       {@link VisionTowerBenchmark#forward}, this is the overhead share the issue bounds by 0.5 %.</li>
 *   <li>{@link #pruMergeAttentionSelectMerge} and {@link #pruMergePlusAttentionSelectMerge}: the
 *       selection's own work for PruMerge and PruMerge+ (official preset of {@code keep}): the
 *       full-width [CLS] attention over 577 keys, unit keys, the choice, the 32 nearest keys of
 *       every kept token and the merged rows. The last layer's {@code layer_norm1}, {@code q_proj}
 *       and {@code k_proj} that feed it are a ViT cost, timed by
 *       {@link VisionTowerBenchmark#forwardWithPruMerge}.</li>
 * </ul>
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
    private TokenSelector vtcCls;
    private TokenSelector pruMerge;
    private TokenSelector pruMergePlus;
    /** The last layer's [CLS] query and keys ({@code [577, 1024]}), as the tower hands them over. */
    private float[] clsQuery;
    private float[] keys;
    /** Softmax rows of the [CLS] query, one per head, for each watched layer. */
    private float[][] clsProbs;
    private float[] copiedRows;
    private float[] features;

    @Setup
    public void setUp() {
        int tokens = GRID * GRID + 1;
        vtcCls = new VtcCls(VtcCls.DEFAULT_LAYERS, KeepBudget.count(keep));
        pruMerge = new PruMerge();
        pruMergePlus = PruMergePlus.official(keep);
        Random random = new Random(3);
        clsQuery = new float[HIDDEN];
        keys = new float[tokens * HIDDEN];
        for (int c = 0; c < HIDDEN; c++) {
            clsQuery[c] = (float) (0.05 * random.nextGaussian());
        }
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) random.nextGaussian();
        }
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
        VtcCls.Score selection = (VtcCls.Score) vtcCls.begin(shape);
        int firstLayer = FEATURE_LAYER - VtcCls.DEFAULT_LAYERS + 1;
        for (int l = 0; l < VtcCls.DEFAULT_LAYERS; l++) {
            System.arraycopy(clsProbs[l], 0, copiedRows, 0, copiedRows.length);
            for (int h = 0; h < HEADS; h++) {
                selection.clsAttention(firstLayer + l, h, copiedRows, h * tokens, tokens);
            }
        }
        int[] kept = selection.keep();
        KeptRows.gather(features, HIDDEN, kept, new float[kept.length * HIDDEN]);
        return kept;
    }

    @Benchmark
    public KeptPatches pruMergeAttentionSelectMerge() {
        return attentionSelectMerge(pruMerge);
    }

    @Benchmark
    public KeptPatches pruMergePlusAttentionSelectMerge() {
        return attentionSelectMerge(pruMergePlus);
    }

    private KeptPatches attentionSelectMerge(TokenSelector method) {
        PruMergeSelection selection = (PruMergeSelection) method.begin(shape);
        selection.lastLayerQueryKey(clsQuery, keys, GRID * GRID + 1, HIDDEN);
        return selection.keepPatches(features, HIDDEN);
    }
}
