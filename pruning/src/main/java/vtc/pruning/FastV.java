package vtc.pruning;

import java.util.Objects;
import vtc.engine.prune.Cut;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;

/**
 * FastV (Chen et al., "An Image is Worth 1/2 Tokens After Layer 2"): the baseline that prunes
 * inside the language model. Layers 0..K−1 see every image token; the attention that the last
 * prompt token pays to each image token in layer K−1 (head mean) picks the U tokens that go on.
 * Compared with VTC-CLS it needs K decoder layers over the full sequence before it can choose.
 */
public final class FastV implements TokenSelector {

    /** FastV's default K. */
    public static final int DEFAULT_LAYER = 2;

    private final int layer;
    private final KeepBudget keep;

    /**
     * @param layer K ≥ 1, the first decoder layer that sees only the kept tokens (the engine
     *              checks that the decoder has it)
     * @param keep  U, as a count or a fraction of the image tokens
     */
    public FastV(int layer, KeepBudget keep) {
        if (layer < 1) {
            throw new PruningParameterException("layers",
                    "FastV needs K ≥ 1 (layer 0 has no attention to prune by), got " + layer);
        }
        this.layer = layer;
        this.keep = Objects.requireNonNull(keep, "keep");
    }

    public int layer() {
        return layer;
    }

    public KeepBudget keepBudget() {
        return keep;
    }

    @Override
    public Selection begin(VisionShape shape) {
        return new Selection() {
            @Override
            public Cut cut() {
                return Cut.beforeDecoderLayer(layer);
            }

            @Override
            public int[] keepImageTokens(float[] imageAttention) {
                return keep(imageAttention);
            }
        };
    }

    /** The U image tokens the last prompt token attends to most, ascending; ties keep the lower index. */
    public int[] keep(float[] imageAttention) {
        return TopK.largest(imageAttention, keep.resolve(imageAttention.length));
    }

    @Override
    public String toString() {
        return "fastv(K=" + layer + ", U=" + keep + ")";
    }
}
