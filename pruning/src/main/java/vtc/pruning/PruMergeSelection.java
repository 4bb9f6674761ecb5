package vtc.pruning;

import java.util.Arrays;
import vtc.engine.kernels.VectorOps;
import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;

/**
 * What PruMerge and PruMerge+ share (the official VTC-CLS code's {@code token_prune_merge_advanced}
 * and {@code token_prune_merge_advanced_plus}): the [CLS] attention of the last ViT layer, and
 * the merge of every token into the kept ones. Only which tokens are kept differs
 * ({@link #choose}).
 *
 * <p><b>Attention.</b> From the last layer's [CLS] query q₀ and keys k, full width D (all heads
 * together): {@code clsAttn[j] = softmax_t(q₀·k_t / √D)[1 + j]}, the softmax over all 1 + N keys.
 *
 * <p><b>Merge.</b> For each kept token i, in kept order: the n = min(32, N − 1) other tokens r
 * whose unit keys are closest to i's (cosine similarity) give {@code x_i + Σ_r clsAttn[r]·x_r},
 * from the original features, not divided by the weights. Then one extra row
 * {@code Σ clsAttn[j]·x_j} over the tokens not kept. The decoder gets kept + 1 rows.
 */
public abstract class PruMergeSelection implements TokenSelector.Selection {

    /** The official code's merge partners per kept token. */
    public static final int NEIGHBOURS = 32;

    private final int numPatches;
    private float[] clsAttention;
    private float[] unitKeys;
    private int[][] neighbours;

    protected PruMergeSelection(VisionShape shape) {
        this.numPatches = shape.numPatches();
    }

    /** The kept patches, in output order, from the last layer's [CLS] attention. */
    protected abstract int[] choose(float[] clsAttention);

    @Override
    public final boolean wantsLastLayerQueryKey() {
        return true;
    }

    @Override
    public final void lastLayerQueryKey(float[] clsQuery, float[] keys, int tokens, int width) {
        if (tokens != numPatches + 1) {
            throw new IllegalArgumentException("expected keys of 1 + " + numPatches + " tokens, got " + tokens);
        }
        double scale = 1 / Math.sqrt(width);
        double[] logits = new double[tokens];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < tokens; t++) {
            double dot = 0;
            for (int c = 0; c < width; c++) {
                dot += (double) clsQuery[c] * keys[t * width + c];
            }
            logits[t] = dot * scale;
            max = Math.max(max, logits[t]);
        }
        double total = 0;
        for (int t = 0; t < tokens; t++) {
            logits[t] = Math.exp(logits[t] - max);
            total += logits[t];
        }
        clsAttention = new float[numPatches];
        unitKeys = new float[numPatches * width];
        for (int j = 0; j < numPatches; j++) {
            clsAttention[j] = (float) (logits[1 + j] / total);
            int row = (1 + j) * width;
            double norm = 0;
            for (int c = 0; c < width; c++) {
                norm += (double) keys[row + c] * keys[row + c];
            }
            double inverse = 1 / Math.sqrt(norm);
            for (int c = 0; c < width; c++) {
                unitKeys[j * width + c] = (float) (keys[row + c] * inverse);
            }
        }
    }

    @Override
    public final KeptPatches keepPatches(float[] features, int width) {
        float[] attention = clsAttention();
        int[] kept = choose(attention);
        int n = Math.min(NEIGHBOURS, numPatches - 1);
        float[] rows = new float[(kept.length + 1) * width];
        double[] row = new double[width];
        neighbours = new int[kept.length][];
        for (int i = 0; i < kept.length; i++) {
            neighbours[i] = closestKeys(kept[i], n, width);
            Arrays.fill(row, 0);
            addScaled(row, features, kept[i], 1, width);
            for (int r : neighbours[i]) {
                addScaled(row, features, r, attention[r], width);
            }
            store(row, rows, i, width);
        }
        boolean[] isKept = new boolean[numPatches];
        for (int i : kept) {
            isKept[i] = true;
        }
        Arrays.fill(row, 0);
        for (int j = 0; j < numPatches; j++) {
            if (!isKept[j]) {
                addScaled(row, features, j, attention[j], width);
            }
        }
        store(row, rows, kept.length, width);
        return KeptPatches.merged(kept, rows);
    }

    /** {@code clsAttn[j]} for the N patches, once the last layer's q/k have arrived. */
    public float[] clsAttention() {
        if (clsAttention == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " got no last-layer queries and keys");
        }
        return clsAttention.clone();
    }

    /** Each kept token's merge partners (ascending), in kept order, after {@link #keepPatches}. */
    public int[][] neighbours() {
        return neighbours.clone();
    }

    /**
     * The n tokens other than i whose unit keys have the largest dot product with i's, ascending.
     * The engine's vector dot product: N·D multiply-adds per kept token is the bulk of the merge.
     */
    private int[] closestKeys(int i, int n, int width) {
        float[] similarity = new float[numPatches];
        for (int r = 0; r < numPatches; r++) {
            similarity[r] = VectorOps.dot(unitKeys, i * width, unitKeys, r * width, width);
        }
        similarity[i] = Float.NEGATIVE_INFINITY;
        return TopK.largest(similarity, n);
    }

    private static void addScaled(double[] row, float[] features, int patch, float weight, int width) {
        for (int c = 0; c < width; c++) {
            row[c] += (double) weight * features[patch * width + c];
        }
    }

    private static void store(double[] row, float[] rows, int at, int width) {
        for (int c = 0; c < width; c++) {
            rows[at * width + c] = (float) row[c];
        }
    }
}
