package vtc.engine.prune;

/**
 * Chooses which visual tokens reach the decoder, before the projector and the prefill (VTC-CLS
 * and the simple baselines). Implementations are immutable and shared between requests; the
 * per-image state lives in the {@link Selection} that {@link #begin} returns.
 */
public interface VisualTokenSelector {

    /** Starts the selection for one image, before the ViT forward pass. */
    Selection begin(VisionShape shape);

    /** Per-image state: watches the ViT (if it wants to), then names the patches to keep. */
    interface Selection extends ClsAttentionObserver {

        @Override
        default boolean wantsLayer(int layer) {
            return false;
        }

        @Override
        default void clsAttention(int layer, int head, float[] probs, int offset, int length) {
        }

        /** After the forward pass: the patch indices to keep, strictly ascending (raster order). */
        int[] keep();
    }
}
