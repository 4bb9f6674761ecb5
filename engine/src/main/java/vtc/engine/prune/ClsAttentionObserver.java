package vtc.engine.prune;

/**
 * Watches the ViT forward pass: receives the attention probabilities of the [CLS] query (row 0
 * of each head's attention matrix) in the layers it asks for. The engine computes those rows
 * anyway while it runs the attention, so watching costs one small copy per head, and no full
 * attention matrix is ever stored.
 */
public interface ClsAttentionObserver {

    /** Whether the [CLS] rows of encoder layer {@code layer} (0-based) are wanted. */
    boolean wantsLayer(int layer);

    /**
     * The softmax row of the [CLS] query of one head: {@code probs[offset]} is the weight on the
     * [CLS] key itself, {@code probs[offset + 1 + j]} the weight on patch j. The array is the
     * engine's scratch space and is only valid during the call.
     */
    void clsAttention(int layer, int head, float[] probs, int offset, int length);
}
