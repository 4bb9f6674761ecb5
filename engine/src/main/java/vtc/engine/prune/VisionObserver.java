package vtc.engine.prune;

/**
 * Watches the ViT forward pass. Two things can be watched, each only when asked for:
 *
 * <ul>
 *   <li>the attention probabilities of the [CLS] query (row 0 of each head's attention matrix)
 *       in chosen encoder layers. The engine computes those rows anyway while it runs the
 *       attention, so watching costs one small copy per head and no full matrix is stored;</li>
 *   <li>the queries and keys of the last encoder layer, which LLaVA's features never need: the
 *       engine runs that layer's {@code layer_norm1}, {@code q_proj} and {@code k_proj} on the
 *       feature hidden state only when {@link #wantsLastLayerQueryKey()} says so.</li>
 * </ul>
 */
public interface VisionObserver {

    /** Whether the [CLS] rows of encoder layer {@code layer} (0-based) are wanted. */
    default boolean wantsLayer(int layer) {
        return false;
    }

    /**
     * The softmax row of the [CLS] query of one head: {@code probs[offset]} is the weight on the
     * [CLS] key itself, {@code probs[offset + 1 + j]} the weight on patch j. The array is the
     * engine's scratch space and is only valid during the call.
     */
    default void clsAttention(int layer, int head, float[] probs, int offset, int length) {
    }

    /** Whether the last encoder layer's [CLS] query and keys are wanted (they cost one extra projection). */
    default boolean wantsLastLayerQueryKey() {
        return false;
    }

    /**
     * The last encoder layer's projections of the features' hidden state (the [CLS] row
     * included), all heads side by side: {@code clsQuery} is the [CLS] row's query ({@code width}
     * floats), {@code keys} holds the keys of all {@code tokens} rows ({@code [tokens, width]},
     * row 0 the [CLS] token). Engine scratch, valid only during the call.
     */
    default void lastLayerQueryKey(float[] clsQuery, float[] keys, int tokens, int width) {
    }
}
