package vtc.pruning;

import vtc.engine.prune.DecoderTokenSelector;

/**
 * FastV (Chen et al., "An Image is Worth 1/2 Tokens After Layer 2"): the baseline that prunes
 * inside the language model. Layers 0..K−1 see every image token; the attention that the last
 * prompt token pays to each image token in layer K−1 (head mean) picks the U tokens that go on.
 * Compared with VTC-CLS it needs K decoder layers over the full sequence before it can choose.
 */
public final class FastV implements DecoderTokenSelector {

    /** FastV's default K. */
    public static final int DEFAULT_LAYER = 2;

    private final int layer;
    private final KeepBudget keep;

    /**
     * @param layer K ≥ 1, the first decoder layer that sees only the kept tokens (must be below
     *              the decoder's layer count, which the engine checks)
     * @param keep  U, as a count or a fraction of the image tokens
     */
    public FastV(int layer, KeepBudget keep) {
        if (layer < 1) {
            throw new PruningOptionException(VtcCls.LAYERS_OPTION,
                    "FastV needs K ≥ 1 (layer 0 has no attention to prune by), got " + layer);
        }
        this.layer = layer;
        this.keep = keep;
    }

    @Override
    public int layer() {
        return layer;
    }

    public KeepBudget keepBudget() {
        return keep;
    }

    /** The U image tokens the last prompt token attends to most, ascending; ties keep the lower index. */
    @Override
    public int[] keep(float[] imageAttention) {
        return TopK.largest(imageAttention, keep.resolve(imageAttention.length));
    }

    @Override
    public String toString() {
        return "fastv(K=" + layer + ", U=" + keep + ")";
    }
}
