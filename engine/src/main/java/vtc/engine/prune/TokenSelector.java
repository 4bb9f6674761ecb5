package vtc.engine.prune;

/**
 * Chooses which visual tokens the decoder sees: VTC-CLS, the baselines, FastV, PruMerge. It is
 * the one extension point for pruning. Implementations are immutable and shared between
 * requests; the per-image state lives in the {@link Selection} that {@link #begin} returns.
 *
 * <p>A selection says what it watches (the {@link VisionObserver} hooks, and the decoder's
 * last-token attention for a cut inside the decoder) and where it cuts ({@link #cut}). The
 * engine checks what a selection returns, and compacts the rows, in one place.
 */
public interface TokenSelector {

    /** Starts the selection for one image, before any compute. */
    Selection begin(VisionShape shape);

    /**
     * Declares that this selector's choice depends on the image alone — never on the question,
     * the decoder or any state — by naming the method and every parameter: two selectors with
     * equal keys keep the same rows of the same image. Then the prompt up to the end of the image
     * can be reused for another question about that image. Null (the default) when the choice
     * may depend on the question (FastV reads the last prompt token's attention); nothing is
     * reused for such requests.
     */
    default String imageOnlyKey() {
        return null;
    }

    /** Per-image state: watches the ViT (if it wants to), then names the tokens to keep. */
    interface Selection extends VisionObserver {

        /** Where the tokens are dropped; before the projector unless a selection says otherwise. */
        default Cut cut() {
            return Cut.BEFORE_PROJECTOR;
        }

        /**
         * For a cut before the projector, after the ViT has run: the patches to keep, in the order
         * the decoder receives them, and optionally rows merged from them.
         *
         * @param features the ViT features {@code [N, width]} (patch j = row j); read only
         */
        default KeptPatches keepPatches(float[] features, int width) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " does not cut before the projector");
        }

        /**
         * For a cut before decoder layer K: which image tokens go on to layers K and later.
         *
         * @param imageAttention for each image token j, the attention of the last prompt token on
         *                       it in layer K−1, averaged over the query heads (not renormalized)
         * @return image token indices, strictly ascending
         */
        default int[] keepImageTokens(float[] imageAttention) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " does not cut inside the decoder");
        }
    }
}
