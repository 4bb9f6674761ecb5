package vtc.engine.prune;

/**
 * Chooses image tokens inside the decoder (FastV): layers {@code 0..layer()-1} run on the full
 * prompt, then only the kept image tokens (and all text tokens) go on, keeping their original
 * positions. Immutable and shared between requests.
 */
public interface DecoderTokenSelector {

    /** K ≥ 1: the first decoder layer that sees only the kept tokens. */
    int layer();

    /**
     * @param imageAttention for each image token j, the attention of the last prompt token on it
     *                       in layer K−1, averaged over the query heads (not renormalized)
     * @return the image token indices to keep, strictly ascending
     */
    int[] keep(float[] imageAttention);
}
